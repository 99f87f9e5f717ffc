"""Issue 20, item 1: the CRM installs on a phone's home screen and opens with a weak signal."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_its_icons_and_where_it_starts(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "KAM CRM" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0d6efd"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes and any(i["purpose"] == "maskable" for i in manifest["icons"])
    for icon in manifest["icons"]:  # every icon is a file under static/, no CDN
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_the_manifest_speaks_the_readers_language(client):
    client.cookies["django_language"] = "zh-hant"
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["lang"] == "zh-hant"
    assert manifest["shortcuts"][0]["name"] == "記錄拜訪"


def test_the_service_worker_is_served_from_the_root_with_its_scope_and_the_shell_it_caches(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for url in ["/static/js/app.js", "/static/vendor/bootstrap/bootstrap.min.css", "/static/vendor/htmx/htmx.min.js",
                "/offline/"]:
        assert f'"{url}"' in body
    assert "http" not in body.split("const SHELL", 1)[1].split("\n")[0]  # nothing from another site


@override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                             "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
                   STATIC_URL="/assets/")
def test_a_new_set_of_static_files_makes_a_new_worker_version(client):
    before = client.get("/sw.js").content.decode()
    assert '"/assets/js/app.js"' in before
    with override_settings(STATIC_URL="/static/"):
        after = client.get("/sw.js").content.decode()
    version = [line for line in before.splitlines() if line.startswith("const VERSION")]
    assert version and version[0] not in after


def test_the_offline_page_shows_without_a_login_and_offers_logging_a_visit(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert b"You are offline" in response.content and b'href="/visits/new/"' in response.content


def test_the_policy_lets_the_worker_and_the_manifest_load_from_this_site_only(client):
    client.force_login(UserFactory())
    page = client.get("/visits/new/")
    policy = page["Content-Security-Policy"]
    # manifest-src and worker-src are not named: they fall back to default-src / script-src 'self'.
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "manifest-src" not in policy and "worker-src" not in policy
    assert b'rel="manifest" href="/manifest.webmanifest"' in page.content
    assert b'data-sw="/sw.js"' in page.content


def test_every_page_of_a_logged_in_user_carries_the_queue_texts_translated(client):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/visits/new/").content.decode()
    assert 'data-many="__n__ 条拜访待发送"' in page


def test_a_logged_out_page_has_no_queue(client):
    assert b"js-queue" not in client.get("/login/").content


def test_the_service_worker_is_served_by_the_production_storage_with_hashed_names(client, tmp_path):
    """Production names static files by their hash (a manifest) and refuses a name it does not
    hold: the worker must name each file, and the prefix without asking the storage for "" (a 500
    that left every phone without its offline shell)."""
    from pwa.views import ICONS, SHELL

    names = {name: name.replace(".", ".0123abcd.", 1) for name in [*SHELL, *(icon for icon, _s, _p in ICONS)]}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": names, "version": "1.1", "hash": "x"}))
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path, DEBUG=False):
        response = client.get("/sw.js")

    assert response.status_code == 200
    body = response.content.decode()
    assert '"/static/js/app.0123abcd.js"' in body and 'const STATIC_PREFIX = "/static/"' in body
