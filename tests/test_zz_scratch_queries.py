import pytest
from datetime import date, timedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccountTeamMember, Competitor, ProductPosition, ProspectClaim
from accounts.services import account_update
from contacts.models import DecisionStep, PersonnelChange, Relationship, SelfQuestionReview
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory, ProspectFactory

pytestmark = pytest.mark.django_db


def grow(manager, teammate, supervisor, account, boss, n, start):
    for i in range(start, start + n):
        a = AccountFactory(owner=manager, parent=None)
        c = ContactFactory(account=account, reports_to=boss, name=f"C{i}")
        BuyerRoleFactory(contact=c, role=["decision_maker", "gatekeeper", "user", "coach"][i % 4])
        BuyerRoleFactory(contact=ContactFactory(account=a))
        Relationship.objects.create(from_contact=boss, to_contact=c, kind="ally")
        Relationship.objects.create(from_contact=c, to_contact=boss, kind="rival")
        PersonnelChange.objects.create(account=account, contact=boss, kind="title", before="a", after="b", recorded_by=manager)
        OrderFactory(account=account)
        Competitor.objects.create(account=account, name=f"Comp {i}")
        ProductPosition.objects.create(account=account, product=f"P {i}")
        AccountTeamMember.objects.get_or_create(account=a, user=teammate)
        AccountFactory(owner=manager, parent=account, kind="standard")
        DecisionStep.objects.create(account=account, position=100 + i, description="x", responsible=c)
        SelfQuestionReview.objects.create(account=account, reviewed_on=date(2024, 1, 1) + timedelta(days=i), reviewed_by=manager)
        p = ProspectFactory()
        ProspectClaim.objects.create(account=p, claimant=[manager, teammate][i % 2])
        account_update(account=account, by=manager, industry=f"Ind {i}")


def test_measure(client, manager, teammate, supervisor):
    account = AccountFactory(name="Haier", owner=manager, kind="group")
    boss = ContactFactory(account=account, name="Boss")
    pages = lambda: {
        "accounts:list": reverse("accounts:list"),
        "accounts:detail": reverse("accounts:detail", args=[account.pk]),
        "accounts:history": reverse("accounts:history", args=[account.pk]),
        "accounts:claims": reverse("accounts:claims"),
        "contacts:list": reverse("contacts:list"),
        "contacts:detail": reverse("contacts:detail", args=[boss.pk]),
        "contacts:org-chart": reverse("contacts:org-chart", args=[account.pk]),
        "contacts:dangers": reverse("contacts:dangers"),
        "contacts:self-questions": reverse("contacts:self-questions", args=[account.pk]),
    }
    out = {}
    for phase, n in (("small", 1), ("large", 30)):
        grow(manager, teammate, supervisor, account, boss, n, 0 if phase == 'small' else 10)
        for who in (manager, supervisor):
            client.force_login(who)
            for name, url in pages().items():
                with CaptureQueriesContext(connection) as ctx:
                    r = client.get(url)
                assert r.status_code == 200
                out.setdefault((name, who.username), []).append(len(ctx))
                if phase == "small" and who == manager:
                    with open(f"/tmp/scratch/{name}.sql", "w") as f:
                        f.write("\n\n".join(q["sql"] for q in ctx.captured_queries))
    for k, v in out.items():
        print(k, v)
