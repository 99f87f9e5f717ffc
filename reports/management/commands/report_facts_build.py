"""Build (or check) the reports' read model from its sources: after a load that bypassed the
triggers (`session_replication_role = replica`, as bench.seed does), or to see it agrees."""

import time

from django.core.management.base import BaseCommand

from reports.facts import facts_refresh


class Command(BaseCommand):
    help = "Recompute the reports' facts from their sources and write what differs (set-based)."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = facts_refresh()
        self.stdout.write(f"{written} fact rows written in {time.monotonic() - started:.1f} s")
