"""The one door into the audit log: `record(...)`, for every app (the API records token use)."""

from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.utils import timezone

from audit.models import Action, AuditEntry

MAX_TEXT = 200


def _clean(value):
    """Text safe for PostgreSQL (no NUL) and of bounded size: a hostile query string is recorded too."""
    return str(value).replace("\x00", "")[:MAX_TEXT]


def _clean_details(details):
    def clean(value):
        if isinstance(value, dict):
            return {_clean(k): clean(v) for k, v in list(value.items())[:50]}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in list(value)[:20]]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return _clean(value)

    return clean(details or {})


def record(action, *, actor=None, actor_name="", request=None, target=None, details=None):
    """Add one row to the audit log and return it.

    `action`: an audit.models.Action; `actor`: who did it (None for a stranger, then
    `actor_name` is what they typed); `request` gives the client address (as django-axes sees
    it, proxies counted); `target`: the model instance acted on; `details`: codes and
    parameters (labels as English msgids, translated when shown)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        action=Action(action), actor=actor, actor_name=_clean(actor_name or (actor.get_username() if actor else "")),
        ip=(get_client_ip_address(request) or None) if request is not None else None,
        details=_clean_details(details),
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_name = _clean(target)
    entry.save()
    return entry


def audit_prune(*, now=None):
    """Remove the rows older than AUDIT_RETENTION_DAYS; running it twice removes nothing more."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.older_than(cutoff).delete()
    return deleted
