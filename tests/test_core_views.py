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


def _form_request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _name_form(data):
    from django import forms

    class F(forms.Form):
        name = forms.CharField()

    return F(data=data)


def test_submit_form_saves_a_valid_post_and_redirects():
    from core.views import submit_form

    request = _form_request(data={"name": "Haier"})
    form = _name_form(request.POST)
    response = submit_form(request, form, lambda data: data["name"].upper(), success=lambda r: f"Saved {r}.",
                           redirect_to=lambda r: f"/made/{r}/")
    assert response.url == "/made/HAIER/"
    assert [str(m) for m in get_messages(request)] == ["Saved HAIER."]


def test_submit_form_puts_the_refusal_next_to_its_field_and_renders_again():
    from core.views import submit_form

    request = _form_request(data={"name": "Haier"})
    form = _name_form(request.POST)
    assert submit_form(request, form, lambda data: _refuse(), success="Saved.", redirect_to="/") is None
    # The form has neither field the service named: both messages stand at the top of the form.
    assert form.non_field_errors() == ["Say why.", "Locked."]
    assert not list(get_messages(request))


def test_submit_form_does_nothing_on_a_get_or_an_invalid_form():
    from core.views import submit_form

    called = []
    get = _form_request("get")
    assert submit_form(get, _name_form(None), called.append, success="", redirect_to="/") is None
    post = _form_request(data={})
    assert submit_form(post, _name_form(post.POST), called.append, success="", redirect_to="/") is None
    assert called == []


def test_a_callable_success_that_finds_nothing_to_say_adds_no_message():
    request = _request()
    run_service(request, lambda: None, success=lambda _r: "", redirect_to="/")
    assert not list(get_messages(request))


@pytest.mark.django_db
def test_a_template_asks_the_app_s_permissions_module(manager, admin):
    from django.template import Context, Template

    from plans.models import BankQuestion

    question = BankQuestion(category="problem", text="What does a stop cost?", created_by=admin)
    template = Template('{% load permissions %}{% may "plans.archive_question" user q as ok %}{{ ok }}')
    assert template.render(Context({"user": admin, "q": question})) == "True"
    assert template.render(Context({"user": manager, "q": question})) == "False"
