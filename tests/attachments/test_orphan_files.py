"""A file stored for an upload whose transaction then rolled back (attachment_add stores the file
before its row) is named by no row: the nightly sweep removes it once it is older than any upload's
transaction, leaves every attached file and thumbnail alone, and removes nothing on a re-run. One
row per stored file, in the database: removing a row may never take another row's file."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from attachments.models import Attachment
from attachments.services import ORPHAN_GRACE, attachment_add, orphans_sweep
from attachments.tasks import attachment_orphans_sweep
from tests.attachments.test_visit_files import photo
from tests.clock import frozen
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


class Abandoned(Exception):
    pass


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media):
    return sorted(str(path.relative_to(media)) for path in Path(media).rglob("*") if path.is_file())


def add_then_roll_back(account, manager):
    with pytest.raises(Abandoned), transaction.atomic():
        attachment_add(record=account, by=manager, upload=photo("site.jpg"))
        raise Abandoned  # e.g. the visit it came with was refused


def test_a_rolled_back_uploads_files_are_swept_once_old_and_attached_files_stay(media, manager):
    account = AccountFactory(owner=manager)
    kept = attachment_add(record=account, by=manager, upload=photo("kept.jpg"))
    add_then_roll_back(account, manager)
    assert len(stored(media)) == 4  # two photos and their thumbnails; one row

    assert orphans_sweep() == []  # young: it may still be an upload in flight
    later = timezone.now() + ORPHAN_GRACE + timedelta(minutes=1)
    removed = orphans_sweep(now=later)

    assert len(removed) == 2 and stored(media) == sorted([kept.file.name, kept.thumbnail.name])
    assert orphans_sweep(now=later) == []  # a re-run removes nothing


def test_the_nightly_job_reads_this_and_last_months_folders_and_the_command_every_month(media, manager):
    account = AccountFactory(owner=manager)
    with frozen(2025, 1, 10):
        old = attachment_add(record=account, by=manager, upload=photo("old.jpg"))
        add_then_roll_back(account, manager)
    add_then_roll_back(account, manager)
    later = timezone.now() + ORPHAN_GRACE + timedelta(minutes=1)

    assert len(orphans_sweep(now=later)) == 2  # this month's leftovers; January 2025's not read
    assert len(stored(media)) == 4

    a_year_ago = (timezone.now() - timedelta(days=365)).timestamp()
    for path in Path(media, "attachments/2025").rglob("*.jpg"):  # written in January 2025, as it were
        os.utime(path, (a_year_ago, a_year_ago))
    call_command("attachment_orphans", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert stored(media) == sorted([old.file.name, old.thumbnail.name])
    assert attachment_orphans_sweep() == 0


def test_the_sweep_with_nothing_uploaded_yet_is_no_error(media):
    assert orphans_sweep() == [] and attachment_orphans_sweep() == 0


def test_two_rows_may_not_name_one_stored_file(media, manager):
    first = attachment_add(record=AccountFactory(owner=manager), by=manager, upload=photo())
    second = attachment_add(record=AccountFactory(owner=manager), by=manager, upload=photo())

    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=second.pk).update(file=first.file.name)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=second.pk).update(thumbnail=first.thumbnail.name)
