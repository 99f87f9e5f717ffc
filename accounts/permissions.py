"""Who may do what with accounts (K-05, K-06). Every "may this user …" rule of the app.

What a user may *see* is the scope, `Account.objects.visible_to(user)`: outside it a page
answers 404. The rules here decide what a user may *do* to what they see: a refusal is a 403.
"""

from accounts.models import Account


def can_edit_account(user, account):
    """The account team (owner and members) and the owner's supervisor change an account; admins
    any. An account fetched with `Account.objects.with_edit_flag(user)` answers without a query."""
    if user.is_admin:
        return True
    flag = getattr(account, Account.edit_flag(user), None)
    if flag is not None:
        return flag
    return Account.objects.editable_by(user).filter(pk=account.pk).exists()


def can_decide_claims(user):
    """Supervisors and admins have a queue of prospect claims to decide."""
    return user.is_admin or user.is_supervisor


def can_decide_claim(user, claim):
    """The claimant's supervisor decides a claim (K-06); admins any."""
    return user.is_admin or user.supervises(claim.claimant)


def can_withdraw_claim(user, claim):
    return claim.claimant_id == user.pk
