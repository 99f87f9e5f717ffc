from django.db import migrations

from care.defaults import install_care_defaults


def create(apps, schema_editor):
    install_care_defaults(apps.get_model("care", "MessageTemplate"), apps.get_model("care", "HolidayCalendar"))


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
