"""Who may do what with accounts (K-05, K-06). Every "may this user …" rule of the app.

What a user may *see* is the scope, `Account.objects.visible_to(user)`: outside it a page
answers 404. The rules here decide what a user may *do* to what they see: a refusal is a 403.
"""

from accounts.models import Account
from accounts.selectors import assignable_people


def can_edit_account(user, account):
    """The account team (owner and members) and the owner's supervisor change an account; admins
    any. An account fetched with `Account.objects.with_edit_flag(user)` answers without a query."""
    if user.is_admin:
        return True
    flag = getattr(account, Account.edit_flag(user), None)
    if flag is None:
        flag = Account.objects.editable_by(user).filter(pk=account.pk).exists()
        # Kept on the instance: the view and the service it calls ask once between them.
        setattr(account, Account.edit_flag(user), flag)
    return flag


def can_decide_claims(user):
    """Supervisors and admins have a queue of prospect claims to decide."""
    return user.is_admin or user.is_supervisor


def can_decide_claim(user, claim):
    """The claimant's supervisor decides a claim (K-06); admins any."""
    return user.is_admin or user.supervises(claim.claimant)


def can_withdraw_claim(user, claim):
    return claim.claimant_id == user.pk


# --- Who may be given an account (K-05); pickers offer accounts.selectors.assignable_people(user).
def can_assign(user, person):
    """Whether `user` may make `person` an account's owner, account-team member or a
    buyer role's counterpart directly: anyone for an admin, their own team's people
    (its managers and its supervisor) for everyone else. Across teams it is a handover."""
    if person is None or user.is_admin or person.pk == user.pk:
        return True
    return assignable_people(user).filter(pk=person.pk).exists()


def can_request_handover(user, account):
    """The responsible manager, their supervisor or an admin may offer an account to
    another team; a manager serving beside the owner may not give it away."""
    if account.owner_id is None or account.is_archived:
        return False
    return user.is_admin or account.owner_id == user.pk or user.supervises(account.owner)


def can_decide_handover(user, handover):
    """The receiving team's supervisor (or an admin): the team that takes the work decides."""
    return user.is_admin or user.supervises(handover.to_owner)


def can_withdraw_handover(user, handover):
    return handover.requested_by_id == user.pk or user.is_admin


def can_see_handover(user, handover):
    """Everyone the request names, and both teams' supervisors."""
    people = (handover.requested_by_id, handover.from_owner_id, handover.to_owner_id)
    return (user.pk in people or can_decide_handover(user, handover)
            or user.supervises(handover.from_owner) or user.is_admin)


def can_configure_churn_lists(user):
    """Admins keep the lists of lost reasons and objection types (K-52)."""
    return user.is_admin


def can_set_site(user, account):
    """An account's site location (issue 20, check-ins) is set by an admin; a first check-in may be
    confirmed as the site by who made it (accounts.services.account_site_set, source=check_in)."""
    return user.is_admin
