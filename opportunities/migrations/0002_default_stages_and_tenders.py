"""The default pipeline, and today's ticked "open tender" checkboxes (accounts.Account.has_open_tender)
as opportunities at its tender stage (K-32): the tier rules read opportunities from now on, and
accounts 0010 removes the checkbox."""

from django.db import migrations
from django.utils import timezone

from opportunities.defaults import ensure_default_stages

# The opportunity's name, in the customer's language (an account with none is a Chinese customer's).
NAMES = {"en": "Open tender", "zh-hans": "招标项目", "zh-hant": "招標項目"}


def forwards(apps, schema_editor):
    Stage = apps.get_model("opportunities", "Stage")
    Account = apps.get_model("accounts", "Account")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    StageChange = apps.get_model("opportunities", "StageChange")
    User = apps.get_model("users", "User")
    stages = ensure_default_stages(Stage)
    tender = next(s for s in stages.values() if s.kind == "tender")
    fallback = User.objects.filter(role="admin").order_by("pk").first()
    now = timezone.now()
    for account in Account.objects.filter(has_open_tender=True).iterator():
        owner_id = account.owner_id or (fallback.pk if fallback else None)
        if owner_id is None:
            continue
        opportunity = Opportunity.objects.create(
            account=account, name=NAMES.get(account.language, NAMES["zh-hans"]), stage=tender,
            owner_id=owner_id, currency=account.currency)
        StageChange.objects.create(opportunity=opportunity, account=account, to_stage=tender, kind="created",
                                   changed_at=now)


def backwards(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    tendering = Opportunity.objects.filter(stage__kind="tender").values("account_id")
    Account.objects.filter(pk__in=tendering).update(has_open_tender=True)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0001_initial"),
        ("users", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
