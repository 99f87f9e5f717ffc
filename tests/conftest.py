"""Personas shared by every test: a team with its supervisor and two managers,
an outsider in another team, and an admin. Tests read as their stories."""

import pytest
from django.core.cache import cache

from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    DepartmentStaffFactory,
    SupervisorFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def team(db):
    return TeamFactory(name="East China", supervisor=SupervisorFactory(username="wang"))


@pytest.fixture
def supervisor(team):
    return team.supervisor


@pytest.fixture
def manager(team):
    return UserFactory(username="li", team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="chen", team=team)


@pytest.fixture
def other_team(db):
    return TeamFactory(name="South China", supervisor=SupervisorFactory(username="zhang"))


@pytest.fixture
def outsider(other_team):
    return UserFactory(username="huang", team=other_team)


@pytest.fixture
def admin(db):
    return AdminFactory(username="root")


@pytest.fixture
def service(db):
    """The service department (X-02), with its head."""
    department = DepartmentFactory(code="service", name_en="Customer service", name_zh_hans="客户服务部",
                                   name_zh_hant="客戶服務部")
    department.head = DepartmentStaffFactory(username="zhou", department=department)
    department.save(update_fields=["head"])
    return department


@pytest.fixture
def service_member(service):
    """Sun works in the service department: sees its queue, nothing of the portfolio."""
    return DepartmentStaffFactory(username="sun", department=service)


@pytest.fixture
def finance_member(db):
    """Staff of another department: the service queue is out of their sight."""
    return DepartmentStaffFactory(username="qian", department=DepartmentFactory(code="finance", name_en="Finance"))


@pytest.fixture
def frozen_day():
    """The clock on tests.clock.DAY, 09:00 in Shanghai, running on from there: for a module
    whose tests say "this month" or "10 days ago" (pytestmark = usefixtures("frozen_day"))."""
    from tests.clock import DAY, frozen

    with frozen(DAY.year, DAY.month, DAY.day, tick=True):
        yield DAY


@pytest.fixture
def eager_celery():
    """Celery tasks run in-process, as a worker would, instead of being queued (the birthday
    e-mails, a large import, the overlap alert); a task's error raises in the test."""
    from config.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def default_tiers(db):
    """The default A/B/C tiers and rules (a flush by a transactional test removes them)."""
    from tiering.defaults import ensure_default_tiers

    ensure_default_tiers()


@pytest.fixture
def smtp_receiver(settings):
    """A real SMTP server on a free local port, and the mail settings pointing at it."""
    from tests.receivers import SmtpReceiver

    with SmtpReceiver() as receiver:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", receiver.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield receiver


@pytest.fixture
def smtp_down(settings):
    """Mail settings pointing at a local port where nothing listens."""
    from tests.receivers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (users.ratelimit) live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in Chinese leaves its language active on the thread (LocaleMiddleware does not
    reset it): without this, a later test reading English labels fails only in some orders."""
    yield
    from django.utils import translation

    translation.activate("en")
