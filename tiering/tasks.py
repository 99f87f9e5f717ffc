from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from users.models import Team


@shared_task(label=_("Nightly tier evaluation (K-32)"))
def tier_evaluate():
    """Nightly: first tiers for new accounts, proposals for the rest (never silent changes)."""
    from tiering.services import tier_evaluate as evaluate

    return evaluate()


@shared_task(label=_("Open the quarterly tier reviews (K-32)"))
def tier_reviews_open():
    """First day of a quarter (K-32): evaluate, then open each team's review with its proposals."""
    from tiering.services import tier_evaluate as evaluate
    from tiering.services import tier_review_open

    evaluate()
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    teams = list(Team.objects.all())
    for team in teams:
        tier_review_open(team=team, year=today.year, quarter=quarter)
    return len(teams)
