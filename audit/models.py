from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong two-factor code")
    SIGN_OUT = "sign_out", _("Signed out")
    EXPORT = "export", _("Exported a list")
    USER_CREATED = "user_created", _("User created")
    USER_INVITED = "user_invited", _("User invited")
    ROLE_CHANGED = "role_changed", _("Role changed")
    TEAM_CHANGED = "team_changed", _("Team changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    TEAM_CREATED = "team_created", _("Team created")
    TEAM_UPDATED = "team_updated", _("Team supervisor changed")
    DEPARTMENT_CREATED = "department_created", _("Department created")
    DEPARTMENT_UPDATED = "department_updated", _("Department changed")
    DEPARTMENT_CHANGED = "department_changed", _("Department of a person changed")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
    RECOVERY_CODES_NEW = "recovery_codes_new", _("New recovery codes made")
    RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    API_TOKEN_USED = "api_token_used", _("API token used")


# How a sign-in was made (details["method"]).
SIGN_IN_METHODS = {
    "password": _("Password"),
    "ldap": _("Directory (LDAP)"),
    "two_factor": _("Password and two-factor code"),
    "recovery": _("Password and recovery code"),
}


# What a department's change names (details of DEPARTMENT_UPDATED: {field: [before, after]}).
DEPARTMENT_FIELDS = {"code": _("code"), "head": _("head"), "active": _("takes new work")}


class AuditEntryQuerySet(models.QuerySet):
    def older_than(self, moment):
        return self.filter(at__lt=moment)


class AuditEntry(models.Model):
    """One thing that happened. Rows are only ever added (and pruned after the retention
    period): nothing in the product edits them."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # The username as typed (a failed sign-in names no real user) or as it was when the row was
    # written, so the row still says who after the user is renamed or removed.
    actor_name = models.CharField(_("username"), max_length=150, blank=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_name = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # Codes and parameters, rendered in the reader's language by describe().
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(name="audit_action_given", condition=~Q(action=""))]
        indexes = [
            # The admin page: newest first, optionally one action or one person (audit.views).
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_name}"

    def describe(self):
        """The row's particulars in the reader's language (labels were stored as English msgids)."""
        d = self.details or {}
        if self.action == Action.EXPORT:
            filters = "; ".join(f"{key}={', '.join(values)}" for key, values in (d.get("filters") or {}).items())
            text = gettext("%(rows)s rows of “%(list)s” as %(format)s") % {
                "rows": d.get("rows", "?"), "list": d.get("list", ""), "format": str(d.get("format", "")).upper()}
            return text + (" · " + gettext("filters: %(filters)s") % {"filters": filters} if filters else "")
        if self.action == Action.DEPARTMENT_UPDATED:
            return "; ".join(f"{DEPARTMENT_FIELDS[key]}: {_label(old)} → {_label(new)}"
                             for key, (old, new) in d.items() if key in DEPARTMENT_FIELDS)
        if "from" in d or "to" in d:
            return gettext("%(old)s → %(new)s") % {"old": _label(d.get("from")), "new": _label(d.get("to"))}
        if d.get("method") in SIGN_IN_METHODS:
            return str(SIGN_IN_METHODS[d["method"]])
        return ""


def _label(value):
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return gettext(value) if value else gettext("none")
