"""One way for a view to call a service and show what went wrong.

A service raises ValidationError when a rule refuses; a view shows the refusal as a
message and sends the user back. Written once here instead of a try/except per view.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.idempotency import AlreadySaved


def error_text(error):
    """A ValidationError or a bound form's errors as one line for a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return " ".join(str(message) for messages_ in error.errors.values() for message in messages_)


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
        messages.error(request, error_text(error))
        return redirect(on_error if on_error is not None else redirect_to)
    except AlreadySaved as done:
        to = _value(redirect_to, done.object) if done.object is not None else None
        return already_saved(request, done, to=to, fallback=on_error if on_error is not None else redirect_to)
    if success:
        messages.success(request, _value(success, result))
    return redirect(_value(redirect_to, result))


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
