"""May this user …? The account rules of who may be given an account (K-05).

Plain functions of (user, object), asked by forms, services, views and templates
alike, so a refusal is the same everywhere. Who may be *offered* in a picker is the
queryset `accounts.selectors.assignable_people(user)`; these answer for one choice.
"""

from accounts.selectors import assignable_people


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
