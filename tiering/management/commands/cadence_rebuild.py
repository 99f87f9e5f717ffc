from django.core.management.base import BaseCommand
from django.db import connection

from tiering import cadence


class Command(BaseCommand):
    help = ("Build the read model of cadence (CadenceTouches) whole: after a load that bypassed the "
            "database's triggers, such as the bench's seed. The triggers keep it current afterwards.")

    def handle(self, *args, **options):
        written = cadence.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tiering_cadencetouches")
        self.stdout.write(f"cadence read model: {written} rows written")
