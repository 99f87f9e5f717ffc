"""One way for a view to call a service and show what went wrong.

A service raises ValidationError when a rule refuses; a view shows the refusal as a
message and sends the user back. Written once here instead of a try/except per view.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def error_text(error):
    """A ValidationError or a bound form's errors as one line for a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return " ".join(str(message) for messages_ in error.errors.values() for message in messages_)


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
        messages.error(request, error_text(error))
        return redirect(on_error if on_error is not None else redirect_to)
    if success:
        messages.success(request, _value(success, result))
    return redirect(_value(redirect_to, result))


def _value(value, result):
    return value(result) if callable(value) else value
