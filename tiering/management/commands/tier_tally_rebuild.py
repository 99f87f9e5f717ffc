from django.core.management.base import BaseCommand

from tiering import tally


class Command(BaseCommand):
    help = ("Count the admin dashboard's tiers again into their read model (TierTally): after a load "
            "that bypassed the database's triggers, such as the bench's seed.")

    def handle(self, *args, **options):
        self.stdout.write(f"tier tally: {tally.rebuild()} rows written")
