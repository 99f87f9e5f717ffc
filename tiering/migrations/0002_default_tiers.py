"""The default tiers of K-30 and a first rule set (tiering/defaults.py)."""

from django.db import migrations

from tiering.defaults import install_default_tiers


def create(apps, schema_editor):
    install_default_tiers(apps.get_model("tiering", "Tier"), apps.get_model("tiering", "CadenceRequirement"),
                          apps.get_model("tiering", "RuleSet"), apps.get_model("tiering", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("tiering", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
