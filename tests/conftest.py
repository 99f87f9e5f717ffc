"""Personas shared by every test: a team with its supervisor and two managers,
an outsider in another team, and an admin. Tests read as their stories."""

import pytest

from tests.factories import AdminFactory, SupervisorFactory, TeamFactory, UserFactory


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
def default_tiers(db):
    """The default A/B/C tiers and rules (a flush by a transactional test removes them)."""
    from tiering.defaults import ensure_default_tiers

    ensure_default_tiers()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in Chinese leaves its language active on the thread (LocaleMiddleware does not
    reset it): without this, a later test reading English labels fails only in some orders."""
    yield
    from django.utils import translation

    translation.activate("en")
