"""Who may do what with plans, planned visits, the question bank and satisfaction (K-09, K-28, K-56)."""

from accounts.permissions import can_edit_account


def can_plan(user, account):
    """The account team and their supervisor write plans, prepare visits and record surveys (K-05)."""
    return can_edit_account(user, account)


def can_approve_plan(user, plan):
    """The account manager's supervisor approves the plan; admins any."""
    return user.is_admin or user.supervises(plan.account.owner)


def can_archive_question(user, question):
    """The author of a bank question or an admin takes it out of the bank."""
    return user.is_admin or question.created_by_id == user.pk
