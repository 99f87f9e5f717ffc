"""Who may do what with reports and targets (K-53). Every "may this user …" rule of the app."""


def can_set_targets(user):
    """Supervisors set their teams' monthly targets; admins everyone's."""
    return user.is_admin or user.is_supervisor


def can_delete_target(user, target):
    """Admins remove any target; a supervisor the targets of the teams they lead."""
    return user.is_admin or (user.is_supervisor and target.team_id is not None
                             and target.team.supervisor_id == user.pk)
