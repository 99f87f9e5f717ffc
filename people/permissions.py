"""Who administers people and teams."""


def can_administer_people(user):
    """Creating users, setting roles and teams, deactivating: admins only (others: 404)."""
    return user.is_authenticated and user.is_admin
