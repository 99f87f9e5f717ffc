"""Who may do what with users and teams."""

from users.models import User


def can_lead_team(user):
    """Only supervisors and admins lead a team (sign its months off, decide its claims and tiers)."""
    return user.role in (User.Role.SUPERVISOR, User.Role.ADMIN)
