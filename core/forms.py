"""Showing a service's ValidationError on the form that called it."""


def add_service_error(form, error):
    """Put each message next to its field; a field the form does not have (the
    service checks more than the form shows) gets its message at the top instead
    of a server error from form.add_error()."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
