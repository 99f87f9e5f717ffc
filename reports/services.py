"""Writes of the reports app: monthly targets (K-53)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from reports import permissions
from reports.models import Target


@transaction.atomic
def target_set(*, month, by, metric, value, team=None, tier=None):
    """A monthly target for a team and/or a tier, or for everyone; one per scope and month."""
    if not permissions.can_set_targets(by):
        raise PermissionDenied(_("Only supervisors and admins set targets."))
    target = Target(month=month, metric=metric, value=value, team=team, tier=tier, set_by=by)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_delete(*, target, by):
    if not permissions.can_delete_target(by, target):
        raise PermissionDenied(_("Only the team's supervisor or an admin removes this target."))
    target.delete()
