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
    from tiering.services import tier_reviews_open

    evaluate()
    today = timezone.localdate()
    teams = list(Team.objects.all())
    tier_reviews_open(teams=teams, year=today.year, quarter=(today.month - 1) // 3 + 1)
    return len(teams)
