"""The texts of notifications, by key. A notification stores a key and its parameters and is
rendered here in the reader's language each time it is shown, so a Chinese manager never reads
a message frozen in the English of the job that made it. Keys are kept forever: a notification
made years ago still names one (an unknown key shows a neutral line, not an error)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.written import render as render_written

MESSAGES = {
    "log.returned": _("%(by)s returned your visit log for %(month)s"),
    "log.approved": _("%(by)s approved your visit log for %(month)s"),
    "log.submitted": _("%(author)s submitted the visit log for %(month)s"),
    "overlap.other": _("%(colleague)s also met %(contact)s"),
    "overlap.mine": _("%(colleague)s met %(contact)s recently too; talk before you both call again"),
    "tier.proposed": ngettext_lazy("%(count)s tier proposal waits for your decision",
                                   "%(count)s tier proposals wait for your decision", "count"),
    "tier.approved": _("%(by)s approved tier %(tier)s for %(account)s"),
    "tier.rejected": _("%(by)s kept the tier of %(account)s (proposal for %(tier)s rejected)"),
    "claim.requested": _("%(by)s claims the prospect %(account)s"),
    "claim.approved": _("%(by)s approved your claim on %(account)s"),
    "claim.rejected": _("%(by)s rejected your claim on %(account)s"),
    "issue.due": _("Customer issue at %(account)s is due %(due)s"),
    "issue.overdue": _("Customer issue at %(account)s owned by %(owner)s is overdue"),
    "import.finished": _("Your import %(file)s finished: %(rows)s rows"),
    "import.failed": _("Your import %(file)s failed"),
    "test.robot": _("Test message from the KAM CRM"),
    "comment.mention": _("%(by)s mentioned you on %(on)s"),
    "comment.reply": _("%(by)s replied to your comment on %(on)s"),
    "handover.received": ngettext_lazy("%(by)s handed %(count)s account to you",
                                       "%(by)s handed %(count)s accounts to you", "count"),
    "handover.to_decide": ngettext_lazy("%(by)s asks your team to take over %(count)s account",
                                        "%(by)s asks your team to take over %(count)s accounts", "count"),
    "tier.override_requested": _("%(by)s asks for tier %(tier)s for %(account)s"),
    "digest.daily": _("Your day: %(care)s care tasks, %(cadence)s accounts overdue for contact, "
                      "%(issues)s customer issues due"),
}

# The longer text some messages carry, shown under the message and in the e-mail's body.
DETAILS = {
    "overlap.other": _("%(colleague)s logged a visit with %(contact)s on %(date)s; you did on %(yours)s. "
                       "Talk before you both call again."),
    "overlap.mine": _("%(colleague)s met %(contact)s on %(date)s; you did on %(yours)s."),
}


class _Params(dict):
    def __missing__(self, key):
        return "…"


def render(key, params):
    template = MESSAGES.get(key)
    if template is None:
        return str(_("A notification"))
    return str(template % _Params(params or {}))


def render_detail(key, params):
    """The event's own text (a supervisor's reason, as written) or the message's longer text."""
    params = params or {}
    if isinstance(params.get("detail"), dict):  # a text the system wrote (core.written), in the reader's words
        return render_written(params["detail"])
    if params.get("detail"):
        return params["detail"]
    template = DETAILS.get(key)
    return str(template % _Params(params)) if template is not None else ""
