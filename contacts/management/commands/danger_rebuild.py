from django.core.management.base import BaseCommand
from django.db import connection

from contacts import dangers


class Command(BaseCommand):
    help = ("Score every account whole into the danger ranking's read model (DangerScore): after a load "
            "that bypassed the database's triggers, such as the bench's seed.")

    def handle(self, *args, **options):
        written = dangers.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contacts_dangerscore")
        self.stdout.write(f"danger read model: {written} rows written")
