"""A frozen clock for tests whose outcome depends on the date (time-machine).

A test that takes today's date from the real clock passes on the 15th and fails on the 31st
or on the 1st (a visit "10 days ago" falls in last month). Freeze it instead:

    with frozen(2026, 3, 18):                            # a fixed Shanghai morning, clock stopped
    pytestmark = pytest.mark.usefixtures("frozen_day")   # a whole module on DAY, clock running

PostgreSQL keeps the real clock: code under test takes "now" from Python (timezone.now(),
timezone.localdate()), never from SQL's now(), so that a frozen test sees one time.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The day of the `frozen_day` fixture (tests/conftest.py): a Wednesday mid-month, mid-quarter.
DAY = date(2026, 3, 18)


def frozen(year, month, day, hour=9, *, tick=False):
    """Freeze the clock at this Shanghai hour (tick=True: let it run on from there)."""
    return time_machine.travel(datetime(year, month, day, hour, 0, tzinfo=SHANGHAI), tick=tick)
