from django.core.management.base import BaseCommand
from django.db import connection

from opportunities import facts


class Command(BaseCommand):
    help = ("Recompute the pipeline's read model (the forecast's and win rates' cells) from the "
            "opportunities: after a load that bypassed the database's triggers, such as the bench's seed.")

    def handle(self, *args, **options):
        written = facts.rebuild()
        with connection.cursor() as cursor:
            for fact in facts.FACTS:
                cursor.execute(f"ANALYZE {fact.table}")
        self.stdout.write(f"pipeline read model: {written} rows written")
