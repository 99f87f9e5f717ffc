import pytest


@pytest.fixture(autouse=True)
def default_stages(db):
    """The default pipeline (opportunities 0002), put back if a transactional test flushed it."""
    from opportunities.defaults import STAGES
    from tests.factories import stage

    for row in STAGES:
        stage(row[0])
