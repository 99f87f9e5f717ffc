"""IDOR matrix for visits, care, tiering, reports and imports objects (issue 8) and the
refusal policy (issue 14): the other team's manager and supervisor reach none of li's
objects, by GET or by POST (404: out of their scope), and nothing changes; a colleague
of li's team sees li's visits, issues, account and team targets but may not act on
them (403), and does not see li's tasks, sign-off log or imports at all (404).
(Accounts and contacts: tests/test_outsider_walk.py; plans: tests/plans/test_idor.py.)"""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Account
from attachments.models import Attachment
from attachments.services import attachment_add
from care.models import CareTask
from imports.models import ImportJob
from opportunities.models import Opportunity, OpportunityRole
from reports.models import Target
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OpportunityFactory, OrderFactory
from tests.urlwalk import routes
from tiering.models import AccountTier, RuleSet, Tier, TierProposal
from visits.models import AfterSalesStep, CustomerIssue, GreenChannelRequest, MonthlyLog, Visit
from visits.services import after_sales_schedule, green_request_create, monthly_log_submit, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py
_png = BytesIO()
Image.new("RGB", (40, 30), "red").save(_png, "PNG")
PNG = _png.getvalue()

POST = {"outcome": "x", "status": "informed", "resolution": "x", "decision": "approve", "comment": "x",
        "reason": "x", "text": "x", "note": "x", "until": "2099-01-01", "dispatched_to": "x", "purpose": "x",
        "summary": "x", "tier": "1", "given_on": "2026-01-01", "occasion": "x", "gift": "x"}


@pytest.fixture
def objects(manager, team, default_tiers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    account = AccountFactory(owner=manager, kind="strategic")
    contact = ContactFactory(account=account)
    visit = visit_log(account=account, by=manager, contacts=[contact], channel="on_site", purpose="p", summary="s",
                      issues=[{"kind": "complaint", "description": "d"}])
    log = monthly_log_submit(author=manager, month=timezone.localdate().replace(day=1), by=manager)
    OrderFactory(account=account, signed_on=timezone.localdate())  # after-sales steps are for new orders
    after_sales_schedule()
    AccountTier.objects.create(account=account, tier=Tier.objects.get(code="C"), set_at=timezone.now())
    proposal = TierProposal.objects.create(account=account, from_tier=Tier.objects.get(code="C"),
                                           to_tier=Tier.objects.get(code="A"),
                                           rule_set=RuleSet.objects.get(is_active=True))
    opportunity = OpportunityFactory(account=account, owner=manager)
    role = OpportunityRole.objects.create(opportunity=opportunity,
                                          buyer_role=BuyerRoleFactory(contact=contact, account=account))
    return {
        "opportunity": opportunity, "opportunity_role": role,
        "visit": visit, "issue": visit.issues.get(), "log": log, "account": account, "contact": contact,
        "green": green_request_create(account=account, by=manager, title="Parts"),
        "step": AfterSalesStep.objects.filter(account=account).first(),
        "tier": Tier.objects.get(code="C"),
        "task": CareTask.objects.create(kind="custom", account=account, contact=contact, owner=manager,
                                        occasion="o", title="Call", due_on=timezone.localdate()),
        "proposal": proposal,
        "target": Target.objects.create(month=timezone.localdate().replace(day=1), metric="visits", team=team,
                                        value=5, set_by=team.supervisor),
        "group": AccountFactory(owner=manager, kind="group"),
        "team": team,
        "attachment": attachment_add(record=visit, by=manager, upload=SimpleUploadedFile("p.png", PNG)),
        "import": ImportJob.objects.create(owner=manager, kind="accounts", file_name="a.csv", data=b"name\nA\n",
                                           headers=["name"], total_rows=1, status=ImportJob.Status.CHECKED),
    }


def urls(o):
    return [
        ("visits:detail", [o["visit"].pk]), ("visits:edit", [o["visit"].pk]), ("visits:delete", [o["visit"].pk]),
        ("visits:issue-add", [o["visit"].pk]),
        ("visits:check-out", [o["visit"].pk]), ("visits:site-from-check-in", [o["visit"].pk]),
        ("attachments:add", ["visit", o["visit"].pk]), ("attachments:file", [o["attachment"].pk]),
        ("attachments:thumbnail", [o["attachment"].pk]), ("attachments:delete", [o["attachment"].pk]),
        ("visits:issue-follow-up", [o["issue"].pk]), ("visits:sign-off-review", [o["log"].pk]),
        ("visits:sign-off-comment", [o["log"].pk, o["visit"].pk]), ("visits:sign-off-decide", [o["log"].pk]),
        ("visits:sign-off-reopen", [o["log"].pk]), ("visits:green-advance", [o["green"].pk]),
        ("visits:after-sales-done", [o["step"].pk]),
        ("care:task-done", [o["task"].pk]), ("care:task-skip", [o["task"].pk]), ("care:task-snooze", [o["task"].pk]),
        ("care:gift-add", [o["contact"].pk]),
        ("tiering:proposal-decide", [o["proposal"].pk]), ("tiering:override", [o["account"].pk]),
        ("tiering:tier-edit", [o["tier"].pk]), ("tiering:tier-delete", [o["tier"].pk]),
        ("reports:target-delete", [o["target"].pk]), ("reports:target-act", [o["target"].pk]),
        ("reports:group-detail", [o["group"].pk]),
        ("reports:quarterly-analysis", [o["team"].pk, 2026, 4]),
        *[(f"departments:{name}", [o["issue"].pk])
          for name in ("issue", "issue-accept", "issue-reply", "issue-resolve", "issue-route", "issue-inform")],
        ("departments:green", [o["green"].pk]), ("departments:green-complete", [o["green"].pk]),
        *[(f"imports:{name}", [o["import"].pk])
          for name in ("detail", "progress", "mapping", "encoding", "apply", "recheck", "discard")],
        ("opportunities:create", [o["account"].pk]),
        *[(f"opportunities:{name}", [o["opportunity"].pk]) for name in ("detail", "edit", "move", "order",
                                                                         "role-save")],
        ("opportunities:role-remove", [o["opportunity"].pk, o["opportunity_role"].pk]),
    ]


def snapshot(o):
    return (
        list(Visit.objects.values_list("pk", "purpose", "version", "checkout_at")),
        list(Attachment.objects.values_list("pk", flat=True)),
        list(Account.objects.values_list("pk", "site_latitude")),
        list(CustomerIssue.objects.values_list("pk", "status")),
        list(MonthlyLog.objects.values_list("pk", "status")),
        list(GreenChannelRequest.objects.values_list("pk", "dispatched_at")),
        list(AfterSalesStep.objects.values_list("pk", "done_at")),
        list(CareTask.objects.values_list("pk", "status", "due_on")),
        list(TierProposal.objects.values_list("pk", "status")),
        list(AccountTier.objects.values_list("account", "tier", "source")),
        Target.objects.count(), o["contact"].gifts.count(),
        list(ImportJob.objects.values_list("pk", "status")),
        list(Opportunity.objects.values_list("pk", "name", "stage", "order")), OpportunityRole.objects.count(),
    )


@pytest.fixture(params=["outsider", "their_supervisor"])
def stranger(request, outsider, other_team):
    return outsider if request.param == "outsider" else other_team.supervisor


def test_strangers_reach_none_of_our_objects(client, objects, stranger):
    before = snapshot(objects)
    client.force_login(stranger)
    for name, args in urls(objects):
        if name in SEEN_BY_ALL:
            continue  # test_everyone_sees_the_tiers_but_only_admins_change_them
        url = reverse(name, args=args)
        assert client.get(url).status_code in (404, 405), (name, "GET")
        assert client.post(url, POST).status_code == 404, (name, "POST")
    assert snapshot(objects) == before


def test_the_owner_reaches_them(client, objects, manager):
    client.force_login(manager)
    for name in ("visits:detail", "visits:edit", "visits:sign-off-review", "care:gift-add"):
        args = dict(urls(objects))[name]
        assert client.get(reverse(name, args=args)).status_code == 200, name


# Object routes walked elsewhere, or with no object of a person's to protect.
ELSEWHERE = {
    "people:edit": "admin pages (issue 24): 404 for everyone else (tests/people/test_administration.py)",
    "people:deactivate": "admin pages (issue 24): 404 for everyone else (tests/people/test_administration.py)",
    "people:reactivate": "admin pages (issue 24): 404 for everyone else (tests/people/test_administration.py)",
    "people:two-factor-reset": "admin pages (issue 24): 404 for everyone else (tests/people/test_administration.py)",
    "people:team-edit": "admin pages (issue 24): 404 for everyone else (tests/people/test_administration.py)",
    "people:department-edit": "admin pages (X-02): 404 for everyone else (tests/people/test_departments.py)",
    "users:team-detail": "a team is scoped by Team.objects.visible_to (tests/users)",
    "imports:template": "a blank template of an import kind, the same for everyone",
    "feeds:feed": "no login: the secret in the URL is the credential (tests/feeds)",
    "care:template-edit": "admin settings, out of everyone else's scope (tests/care)",
    "care:calendar-edit": "admin settings, out of everyone else's scope (tests/care)",
    "care:occasion-edit": "admin settings, out of everyone else's scope (tests/care)",
    "churn:list": "admin settings, out of everyone else's scope (tests/accounts/test_lost_reasons.py)",
    "churn:add": "admin settings, out of everyone else's scope (tests/accounts/test_lost_reasons.py)",
    "churn:edit": "admin settings, out of everyone else's scope (tests/accounts/test_lost_reasons.py)",
    "notifications:open": "one's own notifications only (tests/notifications: someone else's is 404)",
    "notifications:read": "one's own notifications only (tests/notifications: someone else's is 404)",
    "notifications:robot-test": "one's own or one's team's robot (tests/notifications/test_robots.py)",
    "notifications:robot-delete": "one's own or one's team's robot (tests/notifications/test_robots.py)",
    "notifications:outbox-retry": "admins only, 404 for everyone else (tests/notifications/test_outbox_admin.py)",
    "departments:queue": "a department's queue: its staff and admins, 404 for everyone else (tests/departments)",
    "opportunities:stage-edit": "admin settings, out of everyone else's scope (tests/opportunities)",
    "notifications:webhook-edit": "admins only, 404 for everyone else (tests/api/test_webhooks.py)",
    "notifications:webhook-test": "admins only, 404 for everyone else (tests/api/test_webhooks.py)",
    "notifications:webhook-delete": "admins only, 404 for everyone else (tests/api/test_webhooks.py)",
    "api-tokens:revoke": "one's own tokens only (tests/api/test_tokens.py: someone else's is 404)",
}
# tests/test_outsider_walk.py, tests/plans/test_idor.py, tests/hub/test_outsider_walk.py, and the REST
# API's own walk of its router with the personas (tests/api/test_idor.py).
WALKED_ELSEWHERE = {"accounts", "contacts", "plans", "hub", "api"}
# Everyone sees the tiers on the rules page; only admins change them.
SEEN_BY_ALL = {"tiering:tier-edit", "tiering:tier-delete"}
# Pages about li's objects that li's teammate chen may read (200); every other gets a refusal below.
READ_BY_TEAMMATE = {"visits:detail", "reports:group-detail", "attachments:file", "attachments:thumbnail",
                    "departments:issue", "departments:green", "opportunities:detail"}
# What li's teammate chen gets on each route: 403 where chen sees the object but may not act,
# 404 where the object is not in chen's sight at all.
TEAMMATE = {
    "visits:edit": 403, "visits:delete": 403, "visits:issue-add": 403, "visits:issue-follow-up": 403,
    "visits:check-out": 403, "visits:site-from-check-in": 403, "attachments:add": 403, "attachments:delete": 403,
    "visits:green-advance": 403, "visits:after-sales-done": 403, "care:gift-add": 403, "tiering:proposal-decide": 403,
    "tiering:override": 403, "reports:target-delete": 403, "tiering:tier-edit": 403, "tiering:tier-delete": 403,
    "reports:target-act": 403, "reports:quarterly-analysis": 403,
    # the department's steps are its staff's, telling the customer the visitor's
    **{f"departments:{name}": 403 for name in ("issue-accept", "issue-reply", "issue-resolve", "issue-route",
                                                "issue-inform", "green-complete")},
    "visits:sign-off-review": 404, "visits:sign-off-comment": 404, "visits:sign-off-decide": 404,
    "visits:sign-off-reopen": 404, "care:task-done": 404, "care:task-skip": 404, "care:task-snooze": 404,
    **{f"imports:{name}": 404 for name in ("detail", "progress", "mapping", "encoding", "apply", "recheck",
                                           "discard")},
    # issue 22: team read, own edit
    **{f"opportunities:{name}": 403 for name in ("create", "edit", "move", "order", "role-save", "role-remove")},
}


def test_the_matrix_knows_every_object_page(objects):
    """A new page with an object in its URL must be placed here before the walk passes."""
    object_routes = {f"{namespace}:{pattern.name}" for _r, pattern, namespace in routes()
                     if pattern.pattern.converters and namespace not in (None, "admin", *WALKED_ELSEWHERE)}
    walked = {name for name, _args in urls(objects)}
    assert object_routes == walked | set(ELSEWHERE)
    assert set(TEAMMATE) == walked - READ_BY_TEAMMATE


@pytest.mark.parametrize("stranger_kind", ["outsider", "their_supervisor", "teammate"])
def test_everyone_sees_the_tiers_but_only_admins_change_them(client, objects, request, stranger_kind, admin):
    user = {"outsider": "outsider", "teammate": "teammate", "their_supervisor": "other_team"}[stranger_kind]
    user = request.getfixturevalue(user)
    client.force_login(user.supervisor if stranger_kind == "their_supervisor" else user)
    assert client.get(reverse("tiering:rules")).status_code == 200
    for name in sorted(SEEN_BY_ALL):
        url = reverse(name, args=dict(urls(objects))[name])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"code": "Z", "name": "Ours"}).status_code == 403, name
    assert Tier.objects.get(pk=objects["tier"].pk).code == "C"


def test_a_teammate_reads_but_does_not_act(client, objects, teammate):
    """The refusal policy: 404 for what chen cannot see, 403 for what chen sees but may not change."""
    before = snapshot(objects)
    client.force_login(teammate)
    for name in sorted(READ_BY_TEAMMATE):
        assert client.get(reverse(name, args=dict(urls(objects))[name])).status_code == 200, name
    for name, refusal in TEAMMATE.items():
        url = reverse(name, args=dict(urls(objects))[name])
        assert client.get(url).status_code in (refusal, 405), (name, "GET")
        assert client.post(url, POST).status_code == refusal, (name, "POST")
    assert snapshot(objects) == before


def test_strangers_and_teammates_cannot_see_or_revoke_li_s_calendar_link(client, manager, teammate, stranger):
    from feeds.models import CalendarFeedToken
    from feeds.services import calendar_feed_token_issue

    token = calendar_feed_token_issue(user=manager)
    for person in (stranger, teammate):
        client.force_login(person)
        assert token.secret not in client.get(reverse("feeds:page")).content.decode()
        for name in ("feeds:regenerate", "feeds:revoke"):
            client.post(reverse(name))  # acts on their own link only
    assert CalendarFeedToken.objects.get(user=manager).secret == token.secret
