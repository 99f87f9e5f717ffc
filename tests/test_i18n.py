"""Every user-facing string is translated into 简体中文 and 繁體中文."""

import gettext
import os
import re
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
def test_no_translated_string_hides_inside_an_f_string():
    """xgettext does not look inside an f-string's braces: `f"{_('last gift')}: …"` is translated
    at run time only while an old catalogue still holds the words, and the next `make messages`
    drops them (the birthday lists' e-mail read "last gift" in Chinese that way)."""
    call = re.compile(r"""\bf(["']).*?\{\s*(_|gettext|pgettext|ngettext|npgettext|gettext_lazy)\(""")
    code = [top for top in ROOT.iterdir() if top.is_dir() and top.name not in {".venv", "var", "tests", ".git"}]
    hidden = [f"{path.relative_to(ROOT)}:{n}" for top in code for path in top.glob("**/*.py")
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if call.search(line)]
    assert hidden == []


def test_login_page_speaks_simplified_and_traditional_chinese(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/login/"})
    assert "登录" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/login/"})
    assert "登入" in client.get(reverse("login")).content.decode()


# Mainland usage a Taiwan or Hong Kong reader notices at once, with the Traditional usage the
# zh_Hant catalog writes instead. Characters are checked by OpenCC (爲 → 為, 裏 → 裡); words by
# this list, because OpenCC's phrase table (s2twp) also rewrites good Traditional text
# (類型 → 型別, 核准 → 核準) and would make the test cry wolf.
MAINLAND_TERMS = {
    "導入": "匯入", "導出": "匯出", "數據": "資料", "打印": "列印", "保存": "儲存", "創建": "建立",
    "添加": "新增", "文件": "檔案", "聯繫人": "聯絡人", "視圖": "檢視", "打開": "開啟", "審批": "核准",
    "程序": "程式", "用戶": "使用者", "默認": "預設", "設置": "設定", "菜單": "選單", "鏈接": "連結",
    "搜索": "搜尋", "短信": "簡訊", "軟件": "軟體", "網絡": "網路", "視頻": "影片", "屏幕": "螢幕",
    "字段": "欄位", "登錄": "登入", "點擊": "點選", "服務器": "伺服器", "加載": "載入", "信息": "訊息",
}


def _msgstrs(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_traditional_catalog_is_written_in_traditional_usage():
    import opencc

    to_taiwan_characters = opencc.OpenCC("t2tw")
    found = []
    for entry in catalog("zh_Hant"):
        for text in _msgstrs(entry):
            if to_taiwan_characters.convert(text) != text:
                found.append((entry.msgid, text, "characters"))
            found += [(entry.msgid, text, f"{term} → {usage}") for term, usage in MAINLAND_TERMS.items()
                      if term in text]
    assert found == []


def test_simplified_catalog_holds_no_traditional_characters():
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    found = [(entry.msgid, text) for entry in catalog("zh_Hans") for text in _msgstrs(entry)
             if to_simplified.convert(text) != text]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_language_switcher_names_each_language_in_itself(client, manager, language):
    """Someone who reads no Chinese must find the way back to English."""
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = client.get("/").content.decode()
    assert '<option value="en" lang="en">English</option>' in page or 'lang="en" selected>English' in page
    assert ">简体中文</option>" in page and ">繁體中文</option>" in page
    assert "英语" not in page and "英語" not in page


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_money_keeps_its_thousands_grouping_in_every_language(language):
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    with translation.override(language):
        assert floatformat(10742000, "2g") == "10,742,000.00"
        assert floatformat(150000, "0g") == "150,000"
