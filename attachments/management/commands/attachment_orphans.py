"""Remove stored files that no attachment names: the nightly job's sweep, or with --all every
month's folder since the first upload (once, for files left before the job existed)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from attachments.models import Attachment
from attachments.services import orphans_sweep


class Command(BaseCommand):
    help = "Delete stored attachment files older than a few hours that no attachment row names."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true",
                            help="every month since the first upload, not only this month and the last")

    def handle(self, *args, **options):
        months = None
        first = Attachment.objects.order_by("uploaded_at").values_list("uploaded_at", flat=True).first()
        if options["all"] and first:
            months = _months(first.date().replace(day=1), timezone.now().date().replace(day=1))
        deleted = orphans_sweep(months=months)
        self.stdout.write(f"{len(deleted)} files removed")


def _months(first, last):
    """The first days of the months from `first` to `last` (UTC, as the folders are named)."""
    months = []
    while first <= last:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months
