import pytest

from tiering.defaults import ensure_default_tiers


@pytest.fixture(autouse=True)
def default_tiers(db):
    """The default A/B/C tiers and rules of migration 0002. Transactional tests
    elsewhere in the suite flush every table, data migrations included."""
    ensure_default_tiers()
