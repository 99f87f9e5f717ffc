"""One way for a view to call a service and show what went wrong.

A service raises ValidationError when a rule refuses; a view shows the refusal as a
message and sends the user back (`run_service`), or, on a form page, puts it next to
the field and keeps what was typed (`submit_form`). Written once here instead of a
try/except per view. A PermissionDenied from a service is not caught: it is a 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from core.forms import add_service_error


def error_text(error):
    """A ValidationError or a bound form's errors as one line for a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return " ".join(str(message) for messages_ in error.errors.values() for message in messages_)


def refuse(request, error, redirect_to):
    """Show a refusal (a ValidationError or an invalid form) and send the user to `redirect_to`."""
    messages.error(request, error_text(error))
    return redirect(redirect_to)


def run_service(request, service, /, *, success, redirect_to, on_error=None, **kwargs):
    """Call `service(**kwargs)`; on success show `success` and redirect to `redirect_to`,
    on a ValidationError show its messages and redirect to `on_error` (default the same).

    `success` and `redirect_to` may be callables taking the service's result, for a message
    or an address that names what the service made. Anything `redirect()` takes is a target.
    """
    if callable(redirect_to) and on_error is None:
        raise TypeError("run_service: a callable redirect_to needs an on_error target")
    try:
        result = service(**kwargs)
    except ValidationError as error:
        return refuse(request, error, on_error if on_error is not None else redirect_to)
    if text := _value(success, result):  # a callable may find nothing worth saying
        messages.success(request, text)
    return redirect(_value(redirect_to, result))


def submit_form(request, form, action, /, *, success, redirect_to):
    """The form page's run_service: on a valid POST call `action(form.cleaned_data)`; on
    success show `success` and return the redirect to `redirect_to`. Otherwise return None,
    so the view renders the page again, the service's refusal next to its field.

    `success` and `redirect_to` may be callables taking the result, as for run_service.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return None
    if text := _value(success, result):  # a callable may find nothing worth saying
        messages.success(request, text)
    return redirect(_value(redirect_to, result))


def form_page(request, form, *, title, cancel_url, template="partials/form_page.html", **extra):
    """The plain one-form page: a title, the form, a cancel link, and `extra` (intro, account)."""
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url, **extra})


def confirm_page(request, *, title, message="", label, cancel_url):
    """The "are you sure?" page before a destructive POST."""
    return render(request, "partials/confirm.html",
                  {"title": title, "message": message, "confirm_label": label, "cancel_url": cancel_url})


def _value(value, result):
    return value(result) if callable(value) else value
