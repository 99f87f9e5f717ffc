"""Who may do what with visits, customer issues, the monthly sign-off and the green channel
(K-20..K-28). Seeing a visit is the scope `Visit.objects.visible_to` (404 outside)."""


def can_edit_visit(user, visit):
    """Only the author edits or deletes a visit (a signed-off month is locked besides)."""
    return visit.author_id == user.pk


def can_follow_up_issue(user, issue):
    """The issue's owner and their supervisor move it forward; admins any."""
    return user.is_admin or issue.owner_id == user.pk or user.supervises(issue.owner)


def can_sign_off(user, author):
    """The author's supervisor approves, returns and reopens their month; admins any."""
    return user.is_admin or user.supervises(author)


def can_see_sign_off_queue(user):
    return user.is_admin or user.is_supervisor


def keeps_own_log(user, has_logged=False):
    """Managers keep a monthly visit log; a supervisor once they have logged visits themselves;
    admins log none."""
    return not user.is_admin and (not user.is_supervisor or has_logged)


def can_serve_account(user, account):
    """Green-channel requests and after-sales steps are advanced by the people who log visits on
    the account (visits.forms.loggable_accounts): its team and their supervisor."""
    from visits.forms import loggable_accounts

    return loggable_accounts(user).filter(pk=account.pk).exists()


def can_attach_to_visit(user, visit):
    """Photos and files are added and removed by the visit's author while its month is open."""
    from visits.services import is_locked

    return can_edit_visit(user, visit) and not is_locked(visit.author_id, visit.log_month)


def can_set_site_from_check_in(user, visit):
    """The visit's author (or an admin) confirms a first check-in as the account's site."""
    return (user.is_admin or visit.author_id == user.pk) and visit.has_check_in and not visit.account.has_site


def can_manage_field_settings(user):
    return user.is_admin
