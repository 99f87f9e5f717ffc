"""Who may change which chat robot, and who reads and retries what the system sends."""


def can_manage_robot(user, robot):
    """A team's robot: admins. A person's own robot: that person."""
    return user.is_admin if robot.team_id else robot.user_id == user.pk


def can_see_outbox(user):
    """The outgoing messages (recipients' addresses, texts, errors) and their retry: admins."""
    return user.is_admin


def can_manage_webhooks(user):
    """Outbound webhooks carry every account's changes to another system: admins set them up."""
    return user.is_admin
