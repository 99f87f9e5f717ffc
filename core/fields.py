"""Model fields every app may use."""

from django.db import models

from core.text import narrow


class NarrowCharField(models.CharField):
    """A CharField for numbers people type — phones, mobiles — that holds their ASCII form.

    Narrowed in `to_python` so validators see "138 0013 8000" for "１３８ ００１３ ８０００", and
    in `get_prep_value` so every write path (forms, services, the importer's bulk writes,
    `QuerySet.update()`) stores the same form and a search finds it either way.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return narrow(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return narrow(value) if isinstance(value, str) else value
