"""One way for a view to call a service and show what went wrong.

A service raises ValidationError when a rule refuses; a view shows the refusal as a
message and sends the user back (`run_service`), or, on a form page, puts it next to
the field and keeps what was typed (`submit_form`). Written once here instead of a
try/except per view. A PermissionDenied from a service is not caught: it is a 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import add_service_error
from core.idempotency import AlreadySaved
from core.search import people_named


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
    A create sent again with its one-time key (core.idempotency) is shown what it made.

    `success` and `redirect_to` may be callables taking the service's result, for a message
    or an address that names what the service made. Anything `redirect()` takes is a target.
    """
    if callable(redirect_to) and on_error is None:
        raise TypeError("run_service: a callable redirect_to needs an on_error target")
    try:
        result = service(**kwargs)
    except ValidationError as error:
        return refuse(request, error, on_error if on_error is not None else redirect_to)
    except AlreadySaved as done:
        to = _value(redirect_to, done.object) if done.object is not None else None
        return already_saved(request, done, to=to, fallback=on_error if on_error is not None else redirect_to)
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


def confirm_page(request, *, title, message="", label, cancel_url, hidden=None, danger=True):
    """The "are you sure?" page before a destructive (or early) POST; `hidden` fields go with the answer."""
    return render(request, "partials/confirm.html",
                  {"title": title, "message": message, "confirm_label": label, "cancel_url": cancel_url,
                   "hidden": hidden or {}, "confirm_class": "btn-danger" if danger else "btn-primary"})


def _value(value, result):
    return value(result) if callable(value) else value


def already_saved(request, done, *, fallback, to=None):
    """The answer to a create sent again (AlreadySaved): nothing new was made; show what was,
    at `to` (default the earlier object's own page), or at `fallback` if it is gone since."""
    if done.object is None:
        messages.info(request, _("This form was already sent; nothing new was saved."), extra_tags=saved_tag(done.key))
        return redirect(fallback)
    messages.info(request, _("Already saved: this form was sent before, so nothing new was made."),
                  extra_tags=saved_tag(done.key))
    return redirect(to if to is not None else done.object)


def saved_tag(key):
    """The message tag that tells the next page which one-time key was saved: a browser draft
    kept under it is done (static/js/app.js, partials/messages.html)."""
    return f"saved:{key}" if key else ""


PICKER_PAGE = 20


def options_page(request, rows, *, page, option, empty_text, url_name=None, url=None):
    """One page of a search-as-you-type picker's choices (core/_search_options.html, for
    core.widgets.SearchSelect): `rows` a queryset in order, `option(row)` its (value, label,
    detail); the picker's own address by `url_name` or, with its path's arguments, `url`. One
    statement, PICKER_PAGE + 1 rows: one more tells whether there is a next page."""
    start = (page - 1) * PICKER_PAGE
    found = list(rows[start:start + PICKER_PAGE + 1])
    more = request.GET.copy()
    more["page"] = page + 1
    return render(request, "core/_search_options.html", {
        "options": [option(row) for row in found[:PICKER_PAGE]], "page": page, "empty_text": empty_text,
        "next_url": f"{url or reverse(url_name)}?{more.urlencode()}" if len(found) > PICKER_PAGE else None,
    })


def people_page(request, people, *, page, q="", url_name=None, url=None):
    """One page of a people picker's choices (options_page) among `people`, those whose name holds
    `q` if one is typed: each person with their team."""
    if q:
        people = people_named(people, q)
    return options_page(request, people.select_related("team"), page=page, url_name=url_name, url=url,
                        option=lambda p: (p.pk, str(p), p.team or ""),
                        empty_text=_("Nobody you can choose has that name."))
