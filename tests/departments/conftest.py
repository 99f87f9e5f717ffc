import pytest

from tests.factories import AccountFactory
from visits.services import visit_log


@pytest.fixture
def account(manager):
    return AccountFactory(name="东方电子", owner=manager, kind="strategic", region="上海", industry="Electronics")


@pytest.fixture
def log_complaint(account, manager):
    """li logs a visit with a complaint, routed to `department` (or not routed)."""
    def log(department=None, kind="complaint", description="Line 2 is noisy.", by=None):
        visit = visit_log(account=account, by=by or manager, channel="on_site", purpose="Review", summary="s",
                          issues=[{"kind": kind, "description": description, "department": department}])
        return visit.issues.get()
    return log
