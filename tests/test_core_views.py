"""core.views.run_service: the one way a view calls a service and shows its refusal."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.views import error_text, run_service


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _refuse(**kwargs):
    raise ValidationError({"reason": ["Say why."], "month": ["Locked."]})


def test_a_refusal_shows_every_message_and_goes_to_the_error_target():
    request = _request()
    response = run_service(request, _refuse, success="Done.", redirect_to="/done/", on_error="/back/")
    assert response.url == "/back/"
    assert [str(m) for m in get_messages(request)] == ["Say why. Locked."]


def test_success_names_what_the_service_made():
    request = _request()
    response = run_service(request, lambda *, n: n * 2, n=21, success=lambda r: f"Made {r}.",
                           redirect_to=lambda r: f"/made/{r}/", on_error="/back/")
    assert response.url == "/made/42/"
    assert [str(m) for m in get_messages(request)] == ["Made 42."]


def test_a_callable_target_without_an_error_target_is_refused_up_front():
    with pytest.raises(TypeError):
        run_service(_request(), lambda: None, success="", redirect_to=lambda r: "/")


def test_error_text_reads_a_bound_form():
    from django import forms

    class F(forms.Form):
        name = forms.CharField()

    form = F(data={})
    form.is_valid()
    assert error_text(form) == "This field is required."
