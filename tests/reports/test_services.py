"""Targets (K-53) are set and removed through reports.services, which ask reports.permissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reports.models import Target
from reports.services import target_delete, target_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return timezone.localdate().replace(day=1)


def test_k53_a_supervisor_sets_a_target_once_per_scope(supervisor, team, month):
    target = target_set(month=month, by=supervisor, metric="visits", value=10, team=team)
    assert (target.team, target.set_by, target.value) == (team, supervisor, 10)
    with pytest.raises(ValidationError):
        target_set(month=month, by=supervisor, metric="visits", value=12, team=team)
    assert Target.objects.count() == 1


def test_k53_a_target_is_for_the_first_of_a_month_and_positive(supervisor, team, month):
    with pytest.raises(ValidationError):
        target_set(month=month.replace(day=2), by=supervisor, metric="visits", value=10, team=team)
    with pytest.raises(ValidationError):
        target_set(month=month, by=supervisor, metric="visits", value=0, team=team)
    assert not Target.objects.exists()


def test_k53_a_manager_sets_no_target(manager, team, month):
    with pytest.raises(PermissionDenied):
        target_set(month=month, by=manager, metric="visits", value=10, team=team)


def test_k53_the_team_s_supervisor_or_an_admin_removes_a_target(supervisor, other_team, admin, team, month):
    target = target_set(month=month, by=supervisor, metric="visits", value=10, team=team)
    with pytest.raises(PermissionDenied):
        target_delete(target=target, by=other_team.supervisor)
    target_delete(target=target, by=supervisor)
    assert not Target.objects.exists()
    everyone = target_set(month=month, by=admin, metric="revenue", value=1000)
    with pytest.raises(PermissionDenied):
        target_delete(target=everyone, by=supervisor)  # a target for every team is the admins'
    target_delete(target=everyone, by=admin)
    assert not Target.objects.exists()
