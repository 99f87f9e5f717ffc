import pytest
from django.core.management import call_command

from users.models import Team, User

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, stdout=open("/dev/null", "w"))


def test_demo_has_the_four_documented_logins_in_two_teams():
    seed("--password", "pw-for-demo-1")
    users = {u.username: u for u in User.objects.select_related("team")}
    assert users["admin"].is_admin
    assert users["supervisor"].is_supervisor
    assert users["manager"].team.supervisor == users["supervisor"]
    assert users["manager2"].team != users["manager"].team
    assert users["manager"].check_password("pw-for-demo-1")


def test_seeding_twice_creates_nothing_new():
    seed("--seed", "7")
    counts = (User.objects.count(), Team.objects.count())
    seed("--seed", "7")
    assert (User.objects.count(), Team.objects.count()) == counts


def test_if_empty_leaves_an_existing_database_alone(admin):
    seed("--if-empty")
    assert User.objects.count() == 1


def test_demo_has_tier_rules_history_and_a_pending_review():
    from tiering.models import AccountTier, TierChange, TierProposal, TierReview

    seed()
    assert AccountTier.objects.filter(source="override").exists()
    assert TierChange.objects.exists()
    pending = TierProposal.objects.filter(status="pending", review__in=TierReview.objects.all())
    assert {p.account.name.split()[0] for p in pending} >= {"长江医药", "华夏制造上海公司"}
    huaxia = next(p for p in pending if p.account.name.startswith("华夏制造"))
    assert (huaxia.to_tier.code, huaxia.evidence["in_tender"]) == ("B", True)  # K-32, issue 22


def test_x02_demo_has_a_service_department_with_its_head_member_and_routed_issues_in_every_state():
    from visits.models import CustomerIssue, GreenChannelRequest

    seed("--password", "pw-for-demo-1")
    service = User.objects.get(username="service")
    assert service.is_department_staff and service.check_password("pw-for-demo-1")
    assert service.department.code == "service" and service.department.head.username == "service_head"
    routed = CustomerIssue.objects.filter(department=service.department)
    assert set(routed.values_list("status", flat=True)) == {"open", "in_progress", "resolved", "informed"}
    assert routed.filter(updates__event="reply").exists() and routed.overdue().exists()
    stages = {green.stage for green in GreenChannelRequest.objects.filter(account__name__startswith="东方电子")}
    assert stages == {"requested", "dispatched", "completed"}
    seed("--password", "pw-for-demo-1")
    assert CustomerIssue.objects.filter(department=service.department).count() == routed.count()


def test_demo_has_a_pipeline_at_every_stage_with_a_won_deal_and_its_order():
    from opportunities.models import Opportunity

    seed()
    kinds = set(Opportunity.objects.values_list("stage__kind", flat=True))
    assert kinds == {"open", "tender", "won", "lost"}
    assert Opportunity.objects.filter(stage__kind="won", order__isnull=False).exists()
    assert Opportunity.objects.filter(stage__kind="won", order__isnull=True).exists()  # the offer to make it
    assert not Opportunity.objects.filter(stage__kind="lost", objection_type__isnull=True).exists()
    count = Opportunity.objects.count()
    seed()
    assert Opportunity.objects.count() == count


def test_demo_has_a_conversation_on_an_account_with_a_mention_that_reached_the_bell():
    from hub.models import Comment
    from notifications.models import Notification

    seed()
    seed()  # twice: nothing new
    question, answer = Comment.objects.filter(visit__isnull=True).order_by("pk")
    li = User.objects.get(username="manager")
    assert question.account == answer.account and answer.reply_to == question
    assert list(question.mentioned.all()) == [li]
    assert Notification.objects.filter(recipient=li).exists()
    assert Comment.objects.filter(visit__isnull=False).count() == 1
