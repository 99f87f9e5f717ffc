"""Writes of the reports app: monthly targets and their act notes (K-53), the quarterly analysis (K-23)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import permissions
from reports.models import QuarterlyAnalysis, Target


@transaction.atomic
def target_set(*, month, by, metric, value, team=None, tier=None, manager=None):
    """A monthly target for a team, a manager and/or a tier, or for everyone; one per scope and month.
    A manager's target belongs to the manager's team, so the team's supervisor keeps it."""
    if not permissions.can_set_targets(by):
        raise PermissionDenied(_("Only supervisors and admins set targets."))
    if manager is not None:
        if team is not None and manager.team_id != team.pk:
            raise ValidationError({"manager": _("%(person)s is not in %(team)s.") % {"person": manager, "team": team}})
        team = manager.team
    target = Target(month=month, metric=metric, value=value, team=team, tier=tier, manager=manager, set_by=by)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_delete(*, target, by):
    if not permissions.can_delete_target(by, target):
        raise PermissionDenied(_("Only the team's supervisor or an admin removes this target."))
    target.delete()


@transaction.atomic
def target_act_record(*, target, by, act):
    """The month's "act" (K-53): the corrective action decided after checking the progress."""
    if not permissions.can_record_act(by, target):
        raise PermissionDenied(_("Only the team's supervisor or an admin records the corrective action."))
    target.act, target.act_by, target.act_at = act.strip(), by, timezone.now()
    target.save(update_fields=["act", "act_by", "act_at"])
    return target


@transaction.atomic
def quarterly_analysis_save(*, team, year, quarter, by, text):
    """The supervisor's written analysis of a team's quarter (K-23): one per team and quarter,
    replaced when written again."""
    if not permissions.can_write_quarterly_analysis(by, team):
        raise PermissionDenied(_("Only the team's supervisor or an admin writes the quarterly analysis."))
    if not text.strip():
        raise ValidationError({"text": _("Write the analysis first.")})
    # update_or_create: a second supervisor saving at the same moment updates the row the first made
    analysis, _created = QuarterlyAnalysis.objects.update_or_create(
        team=team, year=year, quarter=quarter, defaults={"text": text.strip(), "written_by": by})
    return analysis
