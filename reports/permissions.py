"""Who may do what with reports and targets (K-23, K-53). Every "may this user …" rule of the app.

What a user may *see* is the scope (`Target.objects.visible_to`, `Team.objects.visible_to`): outside it a
page answers 404. These rules decide what a user may *do* with what they see: a refusal is a 403."""


def can_set_targets(user):
    """Supervisors set their teams' monthly targets; admins everyone's."""
    return user.is_admin or user.is_supervisor


def can_delete_target(user, target):
    """Admins remove any target; a supervisor the targets of the teams they lead."""
    return user.is_admin or (user.is_supervisor and target.team_id is not None
                             and target.team.supervisor_id == user.pk)


def can_record_act(user, target):
    """The month's corrective action (K-53) is written by whoever may remove the target: the
    team's supervisor or an admin."""
    return can_delete_target(user, target)


def can_write_quarterly_analysis(user, team):
    """The written analysis of a team's quarter (K-23) is its supervisor's; admins may correct it.
    A manager of the team reads it but does not write it."""
    return user.is_admin or (user.is_supervisor and team.supervisor_id == user.pk)
