"""Every user-facing string is translated into 简体中文 and 繁體中文."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["zh_Hans", "zh_Hant"]


def catalog(language):
    return polib.pofile(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entries(language):
    po = catalog(language)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language):
    """The committed .mo is what Django loads: it must say what the .po says."""
    mo_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with open(mo_path, "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    for entry in catalog(language).translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.skipif(not shutil.which("xgettext") and not os.environ.get("CI"), reason="needs GNU gettext")
def test_every_string_in_the_code_is_in_the_catalogs(tmp_path):
    """Extract the strings afresh from a copy of the tree; none may be missing."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT, copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "static", "tests", "node_modules", "test-artifacts"),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           # Extraction reads no data; an address where nothing listens will do.
           "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *[f"-l={lang}" for lang in LANGUAGES]],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for language in LANGUAGES:
        fresh = polib.pofile(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        known = {(e.msgctxt, e.msgid) for e in catalog(language)}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
        assert missing == [], f"run `make messages` and translate: {missing}"


@pytest.mark.django_db
def test_login_page_speaks_simplified_and_traditional_chinese(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/login/"})
    assert "登录" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/login/"})
    assert "登入" in client.get(reverse("login")).content.decode()
