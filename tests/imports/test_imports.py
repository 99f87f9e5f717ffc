"""A team brings its spreadsheets (issue 9): upload, map, dry run, apply; the same
file again changes nothing; bad rows are named one by one and block the import."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Account, Order
from contacts.models import BuyerRole, Contact
from imports.models import ColumnMapping, ImportJob, ImportRow
from tests.factories import AccountFactory, ContactFactory
from visits.models import Visit
from visits.services import monthly_log_approve, monthly_log_submit

ACCOUNTS_CSV = (
    "客户名称,负责人,行业,潜力,成立日期\n"
    "上海华东机电有限公司,li,制造业,4,2004年5月26日\n"
    "北京远大科技,,软件,３,2010/3/1\n"
)


def csv_file(text, name="accounts.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="contacts.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, kind, file, encoding="auto"):
    return client.post(reverse("imports:list"), {"kind": kind, "file": file, "encoding": encoding})


def the_job():
    return ImportJob.objects.latest("pk")


def map_as_guessed(client, job):
    """Submit the mapping page as shown: the guesses the user accepts."""
    data = {key: position for key, position in job.mapping.items()}
    return client.post(reverse("imports:mapping", args=[job.pk]), data)


def import_file(client, kind, file, encoding="auto"):
    upload(client, kind, file, encoding)
    job = the_job()
    map_as_guessed(client, job)
    job.refresh_from_db()
    return job


def outcomes(job):
    return list(job.rows.order_by("line").values_list("line", "outcome"))


def test_a_gbk_account_list_maps_itself_runs_dry_then_imports(client, manager):
    client.force_login(manager)
    page = upload(client, "accounts", csv_file(ACCOUNTS_CSV, encoding="gbk"))
    job = the_job()
    assert page.status_code == 302 and job.detected_encoding == "gb18030"
    assert job.mapping == {"name": 0, "owner": 1, "industry": 2, "potential": 3, "founded_on": 4}
    mapping_page = client.get(job.get_absolute_url())
    assert "上海华东机电有限公司" in mapping_page.content.decode()  # the preview reads the Chinese right

    map_as_guessed(client, job)
    job.refresh_from_db()
    assert job.status == "checked" and (job.created_count, job.error_count) == (2, 0)
    assert outcomes(job) == [(2, "create"), (3, "create")]
    assert not Account.objects.exists()  # a dry run writes nothing

    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "applied"
    shanghai = Account.objects.get(name="上海华东机电有限公司")
    assert (shanghai.owner, shanghai.potential, shanghai.founded_on) == (manager, 4, date(2004, 5, 26))
    assert Account.objects.get(name="北京远大科技").potential == 3  # full-width ３
    assert shanghai.history.count() == 1  # the import is in the account's history


def test_the_same_file_again_changes_nothing(client, manager):
    client.force_login(manager)
    first = import_file(client, "accounts", csv_file(ACCOUNTS_CSV))
    client.post(reverse("imports:apply", args=[first.pk]))
    again = import_file(client, "accounts", csv_file(ACCOUNTS_CSV))
    assert outcomes(again) == [(2, "skip"), (3, "skip")]
    client.post(reverse("imports:apply", args=[again.pk]))
    assert Account.objects.count() == 2


def test_a_changed_cell_updates_the_existing_account(client, manager):
    account = AccountFactory(name="上海华东机电有限公司", owner=manager, industry="Old", potential=2)
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name,industry,potential\n上海华东机电有限公司,制造业,2\n"))
    row = job.rows.get()
    assert row.outcome == "update" and "Industry" in row.message and "Potential" not in row.message
    client.post(reverse("imports:apply", args=[job.pk]))
    account.refresh_from_db()
    assert account.industry == "制造业"
    assert Account.objects.count() == 1


def test_every_bad_row_is_named_and_nothing_can_be_imported(client, manager, outsider):
    AccountFactory(name="Taken Ltd", owner=outsider)
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file(
        "name,owner,potential,founded_on,size\n"
        "Good Co,,3,2001-01-01,\n"
        "Ghost Co,nobody,3,,\n"
        "Date Co,,3,2023-02-30,\n"
        "Number Co,,lots,,\n"
        "Good Co,,3,,\n"
        "Taken Ltd,,,,\n"
        "Size Co,,,,gigantic\n"
        ",,,,\n"
        "Nameless,,9,,\n"
    ))
    rows = {row.line: row for row in job.rows.all()}
    assert rows[2].outcome == "create"
    assert "there is no user “nobody”" in rows[3].message
    assert "not a real date" in rows[4].message
    assert "not a number" in rows[5].message
    assert "same record as row 2" in rows[6].message
    assert "not yours to change" in rows[7].message
    assert "is not one of" in rows[8].message
    assert 9 not in rows  # an empty row is not a row
    assert "Potential" in rows[10].message
    assert job.error_count == 7 and not job.can_apply

    page = client.get(job.get_absolute_url())
    assert page.context["outcome"] == "error"  # errors are shown first
    client.post(reverse("imports:apply", args=[job.pk]))
    assert not Account.objects.filter(name="Good Co").exists()
    assert ImportJob.objects.get(pk=job.pk).status == "checked"


def test_a_manager_cannot_hand_accounts_to_a_teammate_but_the_supervisor_can(client, manager, teammate, supervisor):
    file = "name,owner\nShared Co,chen\n"
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file(file))
    assert "cannot assign work to" in job.rows.get().message
    client.force_login(supervisor)
    job = import_file(client, "accounts", csv_file(file))
    assert job.rows.get().outcome == "create"


def test_a_missing_required_column_is_named_next_to_its_field(client, manager):
    client.force_login(manager)
    upload(client, "orders", csv_file("客户名称,产品\nA,B\n"))
    job = the_job()
    page = map_as_guessed(client, job)
    assert page.status_code == 400
    assert "Choose the file&#x27;s column for Amount" in page.content.decode()
    assert page.context["form"]["product"].value() == "1"  # what was chosen stays chosen
    assert ImportJob.objects.get(pk=job.pk).status == "mapping"


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_headers(client, manager):
    client.force_login(manager)
    upload(client, "accounts", csv_file("Firma,Sparte\nA Co,Tools\n"))
    job = the_job()
    assert job.mapping == {}
    client.post(reverse("imports:mapping", args=[job.pk]), {"name": 0, "industry": 1})
    assert ColumnMapping.objects.get().mapping == {"name": "Firma", "industry": "Sparte"}
    upload(client, "accounts", csv_file("Firma,Sparte\nB Co,Food\n"))
    assert the_job().mapping == {"name": 0, "industry": 1}


def test_contacts_with_lunar_birthdays_and_roles_from_xlsx(client, manager):
    account = AccountFactory(name="上海华东机电有限公司", owner=manager)
    client.force_login(manager)
    rows = [["客户名称", "姓名", "职务", "生日", "角色", "手机"],
            ["上海华东机电有限公司", "张伟", "采购总监", "农历八月十五", "决策者、教练", "138 0013 8000"],
            ["上海华东机电有限公司", "李娜", "工程师", date(1985, 3, 9), "技术把关者", "not a phone"]]
    job = import_file(client, "contacts", xlsx_file(rows))
    assert job.detected_encoding == "xlsx"
    assert outcomes(job) == [(2, "create"), (3, "error")]
    assert "Mobile" in job.rows.get(line=3).message

    rows[2][5] = "139 0000 1111"
    job = import_file(client, "contacts", xlsx_file(rows))
    client.post(reverse("imports:apply", args=[job.pk]))
    zhang = Contact.objects.get(account=account, name="张伟")
    assert (zhang.birthday_calendar, zhang.birth_month, zhang.birth_day) == ("lunar", 8, 15)
    assert set(zhang.roles.values_list("role", flat=True)) == {"decision_maker", "coach"}
    li = Contact.objects.get(name="李娜")
    assert (li.birthday_calendar, li.birth_year, li.birth_month, li.birth_day) == ("solar", 1985, 3, 9)
    assert BuyerRole.objects.get(contact=li).account == account

    rows[1][2] = "副总经理"
    job = import_file(client, "contacts", xlsx_file(rows))
    assert outcomes(job) == [(2, "update"), (3, "skip")]
    client.post(reverse("imports:apply", args=[job.pk]))
    assert Contact.objects.get(pk=zhang.pk).title == "副总经理"
    assert Contact.objects.count() == 2 and BuyerRole.objects.count() == 3


def test_contacts_cannot_be_added_to_another_teams_account(client, manager, outsider):
    AccountFactory(name="Their Co", owner=outsider)
    client.force_login(manager)
    job = import_file(client, "contacts", csv_file("account,name\nTheir Co,Spy\n"))
    assert "no account named “Their Co” that you can change" in job.rows.get().message


def test_orders_update_by_contract_number_and_skip_when_unchanged(client, manager):
    account = AccountFactory(name="Acme", owner=manager)
    client.force_login(manager)
    file = ("客户名称,日期,金额,产品,合同号\n"
            "Acme,2024-05-26,\"¥120,000.00\",伺服电机,HT-1\nAcme,2024-06-01,5000元,备件,\n")
    job = import_file(client, "orders", csv_file(file))
    client.post(reverse("imports:apply", args=[job.pk]))
    assert Order.objects.filter(account=account).count() == 2
    job = import_file(client, "orders", csv_file(file.replace("120,000.00", "130,000.00")))
    assert outcomes(job) == [(2, "update"), (3, "skip")]
    client.post(reverse("imports:apply", args=[job.pk]))
    assert Order.objects.get(reference="HT-1").amount == Decimal("130000.00")
    assert Order.objects.count() == 2


def test_historical_visits_with_contacts_and_a_locked_month(client, manager, supervisor):
    account = AccountFactory(name="Acme", owner=manager)
    zhang = ContactFactory(account=account, name="张伟")
    april = monthly_log_submit(author=manager, month=date(2024, 4, 1), by=manager)
    monthly_log_approve(log=april, by=supervisor)
    client.force_login(manager)
    file = ("account,occurred_at,purpose,summary,contacts,channel\n"
            "Acme,2024-05-26 14:30,季度回顾,讨论采购,张伟,上门拜访\n"
            "Acme,2024-04-10,Old,Old talk,,\n"
            "Acme,2024-05-27,Call,Talked,王五,phone\n")
    job = import_file(client, "visits", csv_file(file))
    assert outcomes(job) == [(2, "create"), (3, "error"), (4, "error")]
    assert "2024-04 is signed off" in job.rows.get(line=3).message
    assert "“王五” is not a contact" in job.rows.get(line=4).message

    job = import_file(client, "visits", csv_file(file.splitlines()[0] + "\n" + file.splitlines()[1] + "\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    visit = Visit.objects.get()
    assert (visit.author, visit.channel, list(visit.contacts.all())) == (manager, "on_site", [zhang])
    assert visit.log_month == date(2024, 5, 1)
    zhang.refresh_from_db()
    again = import_file(client, "visits", csv_file(file.splitlines()[0] + "\n" + file.splitlines()[1] + "\n"))
    assert outcomes(again) == [(2, "skip")]


def test_if_the_data_changed_since_the_dry_run_nothing_is_imported(client, manager, outsider):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nFirst Co\nSecond Co\n"))
    AccountFactory(name="Second Co", owner=outsider)  # someone else took the name meanwhile
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed" and "changed since the dry run" in job.message
    assert not Account.objects.filter(name="First Co").exists()


def test_a_failure_while_writing_rolls_everything_back(client, manager, monkeypatch):
    from imports.kinds import AccountImporter

    original = AccountImporter.apply

    def apply_then_fail(self, outcomes, by):
        original(self, outcomes, by)
        Account.objects.filter(name="First Co").update(potential=9)  # breaks account_potential_1_to_5

    monkeypatch.setattr(AccountImporter, "apply", apply_then_fail)
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nFirst Co\nSecond Co\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed" and "Nothing was imported" in job.message
    assert not Account.objects.exists()


def test_an_oversized_upload_is_refused_next_to_the_file_field(client, manager, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(manager)
    page = upload(client, "accounts", csv_file("name\n" + "A very long company name\n" * 100))
    assert page.status_code == 400
    assert "larger than" in str(page.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_malformed_upload_is_refused_and_the_choice_kept(client, manager):
    client.force_login(manager)
    page = upload(client, "contacts", SimpleUploadedFile("data.xlsx", b"PK\x03\x04garbage"))
    assert page.status_code == 400 and "damaged" in str(page.context["form"].errors["file"])
    assert page.context["form"]["kind"].value() == "contacts"


def test_garbled_preview_can_be_read_again_in_another_encoding(client, manager):
    client.force_login(manager)
    upload(client, "accounts", csv_file("客戶名稱\n台北遠東機電\n", encoding="big5"), encoding="gb18030")
    job = the_job()
    assert "客戶名稱" not in job.headers
    client.post(reverse("imports:encoding", args=[job.pk]), {"encoding": "big5"})
    job.refresh_from_db()
    assert job.headers == ["客戶名稱"] and job.mapping == {"name": 0}


def test_templates_in_each_language_map_themselves_when_filled_in(client, manager):
    client.force_login(manager)
    blank = client.get(reverse("imports:template", args=["contacts", "xlsx"]) + "?lang=zh-hant")
    book = load_workbook(io.BytesIO(blank.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert "生日" in headers[10] and book.sheetnames[1] == "說明"
    help_rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert any("農曆" in str(row[2]) for row in help_rows)

    AccountFactory(name="Acme", owner=manager)
    book.worksheets[0].append(["Acme", "張偉"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = import_file(client, "contacts", SimpleUploadedFile("filled.xlsx", buffer.getvalue()))
    assert len(job.mapping) == 15 and outcomes(job) == [(2, "create")]

    csv_blank = client.get(reverse("imports:template", args=["orders", "csv"]) + "?lang=zh-hans")
    assert csv_blank.content.decode("utf-8-sig").startswith("客户名称 *")
    assert client.get(reverse("imports:template", args=["nothing", "csv"])).status_code == 404


def test_someone_elses_import_is_not_found(client, manager, teammate):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nA Co\n"))
    client.force_login(teammate)
    for name in ("detail", "progress"):
        assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    for name in ("apply", "recheck", "discard", "mapping", "encoding"):
        assert client.post(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    assert ImportJob.objects.get(pk=job.pk).status == "checked"


def test_discarding_asks_first_and_keeps_imported_records(client, manager):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nA Co\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    confirm = client.get(reverse("imports:discard", args=[job.pk]))
    assert "Discard this import?" in confirm.content.decode()
    assert ImportJob.objects.filter(pk=job.pk).exists()
    client.post(reverse("imports:discard", args=[job.pk]))
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert Account.objects.filter(name="A Co").exists()


def test_pages_have_fixed_query_counts(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    small = import_file(client, "accounts", csv_file("name,potential\n" + "".join(f"Co {i},x\n" for i in range(3))))
    large = import_file(client, "accounts", csv_file("name,potential\n" + "".join(f"Co {i},x\n" for i in range(300))))
    for job in (small, large):
        # session, user, job, row count, rows page, the bell's unread COUNT
        with django_assert_max_num_queries(9):
            client.get(job.get_absolute_url())
    # session, user, job count, jobs page, the bell's unread COUNT
    with django_assert_max_num_queries(8):
        client.get(reverse("imports:list"))


@pytest.fixture
def eager_celery(eager_celery, settings):
    """The shared in-process Celery, with any file of more than two rows sent to the worker."""
    settings.IMPORT_INLINE_ROWS = 2
    return eager_celery


def test_a_large_file_runs_in_the_worker_and_the_page_follows_it(client, manager, eager_celery,
                                                                django_capture_on_commit_callbacks):
    client.force_login(manager)
    file = csv_file("name\n" + "".join(f"Bulk {i} Co\n" for i in range(50)))
    upload(client, "accounts", file)
    job = the_job()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        map_as_guessed(client, job)
    job.refresh_from_db()
    assert job.status == "checking" and len(queued) == 1
    poll = {"HX-Request": "true"}  # htmx polls the progress bar (django-htmx: request.htmx)
    page = client.get(reverse("imports:progress", args=[job.pk]), headers=poll)
    assert "0 of 50 rows" in page.content.decode() and "HX-Refresh" not in page
    assert client.get(reverse("imports:progress", args=[job.pk])).url == job.get_absolute_url()  # opened by hand

    queued[0]()  # the worker picks it up
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("checked", 50)
    assert client.get(reverse("imports:progress", args=[job.pk]), headers=poll)["HX-Refresh"] == "true"

    client.post(reverse("imports:apply", args=[job.pk]))
    assert Account.objects.filter(name__startswith="Bulk").count() == 50
    assert ImportJob.objects.get(pk=job.pk).status == "applied"


def test_a_redelivered_apply_task_makes_nothing_new(client, manager, eager_celery):
    from imports.tasks import import_apply_task

    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nA Co\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    import_apply_task(job.pk)
    assert Account.objects.filter(name="A Co").count() == 1


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open(manager):
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

    from imports.services import Progress

    job = ImportJob.objects.create(owner=manager, kind="accounts", file_name="x.csv", data=b"", total_rows=10,
                                   status=ImportJob.Status.APPLYING)
    with transaction.atomic():
        AccountFactory(name="Being imported", owner=manager)
        with Progress(job.pk) as progress:
            progress(4)
        page = connections.create_connection(DEFAULT_DB_ALIAS)  # the page polling, on its own connection
        with page.cursor() as cursor:
            cursor.execute("SELECT processed_rows FROM imports_importjob WHERE id = %s", [job.pk])
            seen = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM accounts_account")
            accounts_seen = cursor.fetchone()[0]
        page.close()
    assert (seen, accounts_seen) == (4, 0)


def test_no_rows_outcome_filter_shows_an_empty_state(client, manager):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name\nA Co\n"))
    page = client.get(job.get_absolute_url() + "?outcome=update")
    assert "No rows with this outcome." in page.content.decode()
    assert ImportRow.objects.filter(job=job).count() == 1


def test_an_exported_account_list_comes_back_in_unchanged(client, manager):
    """Export → edit in Excel → import: the list's own download maps itself, and
    its owners, written by display name, are found."""
    manager.display_name = "李经理"
    manager.save()
    AccountFactory(name="Acme", owner=manager, industry="Tools")
    AccountFactory(name="Bolt", owner=manager, industry="Food")
    client.force_login(manager)
    exported = client.get(reverse("accounts:list") + "?format=xlsx")
    book = load_workbook(io.BytesIO(exported.content))
    book.worksheets[0]["F2"] = "Machine tools"  # the industry of Acme
    buffer = io.BytesIO()
    book.save(buffer)
    job = import_file(client, "accounts", SimpleUploadedFile("accounts.xlsx", buffer.getvalue()))
    assert outcomes(job) == [(2, "update"), (3, "skip")]
    assert "Industry" in job.rows.get(line=2).message


def test_groups_and_their_companies_in_one_file_and_loops_refused(client, manager):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name,parent\nChild Co,Group Co\nGroup Co,\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    assert Account.objects.get(name="Child Co").parent == Account.objects.get(name="Group Co")
    again = import_file(client, "accounts", csv_file("name,parent\nChild Co,Group Co\nGroup Co,\n"))
    assert outcomes(again) == [(2, "skip"), (3, "skip")]

    loop = import_file(client, "accounts", csv_file("name,parent\nA Co,B Co\nB Co,A Co\n"))
    assert [row.message for row in loop.rows.all()] == ["Parent group: these rows make a loop of groups."] * 2


def test_with_the_worker_unreachable_a_large_file_says_so_and_can_be_tried_again(client, manager, settings,
                                                                                  monkeypatch,
                                                                                  django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from imports.tasks import import_apply_task, import_check_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.IMPORT_INLINE_ROWS = 1
    monkeypatch.setattr(import_check_task, "delay", broker_down)
    client.force_login(manager)
    upload(client, "accounts", csv_file("name\nA Co\nB Co\n"))
    job = the_job()
    with django_capture_on_commit_callbacks(execute=True):
        map_as_guessed(client, job)
    job.refresh_from_db()
    assert job.status == "failed" and "could not be reached" in job.message

    settings.IMPORT_INLINE_ROWS = 100  # small enough now to check in the request
    client.post(reverse("imports:recheck", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "checked" and job.can_apply

    settings.IMPORT_INLINE_ROWS = 1
    monkeypatch.setattr(import_apply_task, "delay", broker_down)
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed" and "could not be reached" in job.message
    assert not Account.objects.exists()


def test_full_width_mobiles_are_read_as_digits(client, manager):
    AccountFactory(name="上海华东机电有限公司", owner=manager)
    client.force_login(manager)
    rows = [["客户名称", "姓名", "手机"], ["上海华东机电有限公司", "张伟", "１３８００１３８００４"]]
    job = import_file(client, "contacts", xlsx_file(rows))
    assert outcomes(job) == [(2, "create")]
    client.post(reverse("imports:apply", args=[job.pk]))
    assert Contact.objects.get(name="张伟").mobile == "13800138004"
    # The same file again finds nothing changed: the stored form is compared, not the typed one.
    assert outcomes(import_file(client, "contacts", xlsx_file(rows))) == [(2, "skip")]

def test_only_the_uploader_works_on_an_import_even_through_the_services(manager, teammate):
    """Issue 14: imports/permissions.py holds the rule; the services ask it whoever calls them."""
    from django.core.exceptions import PermissionDenied

    from imports import services

    job = ImportJob.objects.create(owner=manager, kind="contacts", file_name="c.csv", data=b"name\n", headers=["name"],
                                   total_rows=0, mapping={})
    for call in (lambda: services.import_discard(job=job, by=teammate),
                 lambda: services.import_recheck(job=job, by=teammate),
                 lambda: services.import_apply(job=job, by=teammate)):
        with pytest.raises(PermissionDenied):
            call()
    assert ImportJob.objects.filter(pk=job.pk).exists()
