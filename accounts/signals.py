"""What accounts tells the apps above it, which it may not import (tests/test_architecture.py)."""

from django.dispatch import Signal

# An account changed hands (K-05): sent with account, old_owner_id, new_owner, by, inside the
# transaction of the change. The account 360 (hub.portfolio) moves the open work that goes with it:
# care tasks, customer issues, plan actions and planned visits.
owner_changed = Signal()
