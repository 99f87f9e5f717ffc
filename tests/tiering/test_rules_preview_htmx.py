"""The rules page's live preview (K-31) through htmx: an htmx request gets the preview
section alone (django-htmx's request.htmx), a plain form post the whole page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PREVIEW = {"rules-TOTAL_FORMS": "0", "rules-INITIAL_FORMS": "0", "preview": "1"}


def test_htmx_gets_the_preview_section_alone(client, admin, default_tiers):
    client.force_login(admin)
    partial = client.post(reverse("tiering:rules"), PREVIEW, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert [t.name for t in partial.templates][0] == "tiering/_preview.html"
    assert 'id="preview"' in partial.content.decode() and "<html" not in partial.content.decode()


def test_without_javascript_the_whole_page_comes_back(client, admin, default_tiers):
    client.force_login(admin)
    page = client.post(reverse("tiering:rules"), PREVIEW)
    assert [t.name for t in page.templates][0] == "tiering/rules.html" and "<html" in page.content.decode()
