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
