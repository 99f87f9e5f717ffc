"""Issue 17, item 8: a contact list from a Shanghai team (GBK, Simplified headers), a Taipei team
(Big5, Traditional headers in Taiwan's words, the account written 東方電子) and a Hong Kong team
(XLSX) maps itself, names on the mapping page the column it will not import (负责人: the accounts
import's), dry-runs with exactly the three impossible dates as errors, and imports the rest with
full-width mobiles as digits and the lunar birthdays, a leap month included (K-10, K-40).
The files are in tests/imports/files/ (make_files.py says how they were made)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from contacts.models import Contact
from core.text import chinese_variants
from imports.kinds import IMPORTERS
from imports.kinds.base import normalize_header
from imports.models import ImportJob
from imports.parsing import read_table
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent / "files"
# (file, its encoding as detected, the mapping it makes by itself)
CASES = [
    ("contacts_gbk.csv", "gb18030", {"account": 0, "name": 1, "title": 2, "mobile": 3, "birthday": 4}),
    ("contacts_big5.csv", "big5", {"account": 0, "name": 1, "title": 2, "mobile": 3, "birthday": 4}),
    ("contacts_hk.xlsx", "xlsx", {"account": 0, "name": 1, "department": 2, "mobile": 3, "birthday": 4,
                                  "email": 5}),
]
BAD_LINES = (4, 5, 6)  # 2月30日, 农历1980年闰二月初一 (1980 had no leap month), 1985-13-01


@pytest.fixture
def dongfang(manager):
    return AccountFactory(owner=manager, name="东方电子")


def _upload(client, name, data, kind="contacts"):
    client.post(reverse("imports:list"), {"kind": kind, "file": SimpleUploadedFile(name, data), "encoding": "auto"})
    return ImportJob.objects.latest("pk")


def _dry_run(client, job, language="en"):
    client.cookies["django_language"] = language
    client.post(reverse("imports:mapping", args=[job.pk]), dict(job.mapping))
    job.refresh_from_db()
    return job


def _without_bad_rows(name, data, encoding):
    """The file as the user fixes it: the three impossible birthdays taken out."""
    if name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(data))
        for line in sorted(BAD_LINES, reverse=True):
            book.active.delete_rows(line)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    lines = data.decode(encoding).split("\r\n")
    return "\r\n".join(line for number, line in enumerate(lines, start=1) if number not in BAD_LINES).encode(
        encoding)


@pytest.mark.parametrize(("name", "encoding", "mapping"), CASES)
def test_a_chinese_contact_list_maps_itself_dry_runs_with_its_three_errors_and_imports(
        client, manager, dongfang, name, encoding, mapping):
    client.force_login(manager)
    data = (FILES / name).read_bytes()
    job = _upload(client, name, data)
    assert job.detected_encoding == encoding
    assert job.mapping == mapping  # nothing to choose by hand

    # 负责人 is the accounts import's column: shown as not imported, not dropped silently.
    page = client.get(job.get_absolute_url()).content.decode()
    listed = page[page.index('data-testid="not-imported"'):]
    assert job.headers[-1] in listed and "Accounts" in listed

    job = _dry_run(client, job, "zh-hans")
    rows = {row.line: row for row in job.rows.all()}
    _headers, body, _used = read_table(data, name)
    birthday = {line: cells[4] for line, cells in body}
    assert {line: row.message for line, row in rows.items() if row.outcome == "error"} == {
        4: f"生日: “{birthday[4]}”不是真实存在的日期。",
        5: f"生日: “{birthday[5]}”不是真实的农历日期：那一年没有这个闰月。",
        6: "生日: “1985-13-01”不是真实存在的日期。",
    }
    assert [rows[line].outcome for line in (2, 3, 7)] == ["create"] * 3
    converted = name != "contacts_gbk.csv"  # 東方電子 is 东方电子 by conversion: said on the row
    assert ("东方电子" in rows[2].message) == converted
    assert not Contact.objects.exists()

    job = _dry_run(client, _upload(client, name, _without_bad_rows(name, data, encoding)))
    assert (job.status, job.created_count, job.error_count) == ("checked", 3, 0)
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "applied"
    contacts = {c.name[:1]: c for c in Contact.objects.filter(account=dongfang)}
    assert set(contacts) == {"张", "王", "刘"} or set(contacts) == {"張", "王", "劉"}
    zhang, wang = contacts.get("张") or contacts["張"], contacts["王"]
    assert zhang.mobile == "13800138004"  # full-width digits stored as digits
    assert (zhang.birthday_calendar, zhang.birth_month, zhang.birth_day) == ("lunar", 8, 15)
    assert (wang.mobile, wang.birth_year, wang.birth_month, wang.birth_day, wang.birth_leap_month) == (
        "139-0000-1111", 1979, 6, 8, True)


def test_every_column_of_every_import_has_its_simplified_and_traditional_names():
    """The label in each Chinese catalog, each alias, and their other-script forms all map the column."""
    for kind, importer_class in IMPORTERS.items():
        index = importer_class(by=None).header_index()
        for column in importer_class.columns:
            names = set(column.aliases)
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.add(str(column.label))
            for name in names:
                for variant in chinese_variants(name):
                    assert index.get(normalize_header(variant)) == column.key, (kind, column.key, variant)
            with translation.override("zh-hans"):
                hans = str(column.label)
            with translation.override("zh-hant"):
                hant = str(column.label)
            assert hans != str(column.key) and hant != hans or hans == hant, (kind, column.key)


def test_an_account_written_in_the_other_script_is_found_and_the_row_says_so(client, manager):
    AccountFactory(owner=manager, name="東方電子")
    client.force_login(manager)
    file = "客户名称,日期,金额,产品\n东方电子,2026-05-01,1000,ERP\n".encode()
    job = _dry_run(client, _upload(client, "orders.csv", file, kind="orders"))
    row = job.rows.get()
    assert row.outcome == "create" and "東方電子" in row.message


def test_a_large_file_checked_by_the_worker_speaks_the_uploader_s_language(client, manager, dongfang):
    """Issue 17, item 1: the worker writes the row messages for the uploader (their e-mail language)."""
    from imports.tasks import import_check_task

    manager.language = "zh-hant"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    job = _upload(client, "contacts_gbk.csv", (FILES / "contacts_gbk.csv").read_bytes())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING)  # as import_map leaves it
    import_check_task(job.pk)
    assert job.rows.get(line=6).message == "生日: 「1985-13-01」不是真實存在的日期。"
