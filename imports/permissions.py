"""Who may do what with imports. Seeing an import is the scope `ImportJob.objects.visible_to`
(its uploader only: it holds the whole file); outside it a page answers 404."""


def can_work_on_import(user, job):
    """Map, check, apply, re-read or discard an import: the person who uploaded it."""
    return job.owner_id == user.pk


def can_assign_work(by, person, *, led_team_ids):
    """Whom an importer may name as a row's owner or author: an admin anyone, a supervisor
    themself and the people of the teams they lead, a manager only themself."""
    if by.is_admin:
        return True
    if by.is_supervisor:
        return person.pk == by.pk or person.team_id in led_team_ids
    return person.pk == by.pk
