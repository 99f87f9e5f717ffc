"""Who may do what with opportunities: like accounts (K-05), team read, own edit.

What a user may *see* is `Opportunity.objects.visible_to(user)`, the opportunities of the accounts
they see: outside it a page answers 404. The rules here decide what they may *do*: a refusal is a 403.
"""

from accounts.permissions import can_assign, can_edit_account


def can_add_opportunity(user, account):
    """Whoever may change the account opens opportunities on it."""
    return not account.is_archived and can_edit_account(user, account)


def can_edit_opportunity(user, opportunity):
    """Its owner, the account's team and their supervisor, admins."""
    if user.is_admin or opportunity.owner_id == user.pk:
        return True
    return can_edit_account(user, opportunity.account)


def can_own_opportunity(user, person):
    """An opportunity is given to someone of the user's own team (accounts.permissions.can_assign)."""
    return can_assign(user, person)


def can_configure_stages(user):
    """Admins keep the pipeline's stages."""
    return user.is_admin
