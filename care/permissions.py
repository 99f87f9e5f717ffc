"""Who may do what with care tasks, gifts, events and the care settings (K-40..K-44)."""

from accounts.permissions import can_edit_account


def can_work_on_task(user, task):
    """The task's owner and their supervisor close, skip or move it; admins any."""
    return user.is_admin or task.owner_id == user.pk or user.supervises(task.owner)


def can_record_gift(user, contact):
    return can_edit_account(user, contact.account)


def can_record_event(user, account):
    """An event on an account: whoever changes the account. A regional event (no account): admins."""
    return can_edit_account(user, account) if account is not None else user.is_admin


def can_change_care_settings(user):
    """Message templates, holiday calendars and occasions: admins."""
    return user.is_admin
