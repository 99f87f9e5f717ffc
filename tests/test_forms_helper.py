from django import forms
from django.core.exceptions import ValidationError

from core.forms import add_service_error


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_service_error_lands_at_its_field_and_an_unknown_field_at_the_top():
    form = NameForm({"name": "x"})
    form.is_valid()
    add_service_error(form, ValidationError({"name": "Taken.", "owner": "Not a supervisor."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not a supervisor."]  # form.add_error alone raises here


def test_a_plain_service_error_goes_to_the_top():
    form = NameForm({"name": "x"})
    form.is_valid()
    add_service_error(form, ValidationError("This month is locked."))
    assert form.non_field_errors() == ["This month is locked."]
