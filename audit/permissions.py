"""Who reads the audit log."""


def can_read_audit_log(user):
    """Every sign-in, export and role change of everyone: admins only."""
    return user.is_authenticated and user.is_admin
