"""An opportunity's edit history (issue 22): django-simple-history records its columns; each record
also names the record it follows and the products, competitors and buyer roles as they stood, so
one query reads a page of edits with everything their diffs show (core.history for the columns).

Records store codes and ids; the diff is written in the reader's language when it is read."""

from django.db import connection
from django.dispatch import receiver
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from contacts.models import BuyerRole
from core.history import reason_text, record_changes, related_names
from core.money import format_money
from opportunities.models import Opportunity, OpportunityRole

HistoricalOpportunity = Opportunity.history.model
IMPORT_REASON, MIGRATION_REASON = "import", "migration"


def links_of(opportunity):
    """The products, competitors and buyer roles (role code, contact, stance code) of `opportunity`."""
    roles = OpportunityRole.objects.filter(opportunity=opportunity).select_related("buyer_role__contact")
    return {"products": sorted(str(p) for p in opportunity.products.all()),
            "competitors": sorted(str(c) for c in opportunity.competitors.all()),
            "roles": sorted([r.buyer_role.role, str(r.buyer_role.contact), r.stance] for r in roles)}


def note_links(opportunity):
    """Called after the products, competitors or roles changed: the next record keeps them."""
    opportunity._history_links = links_of(opportunity)


@receiver(pre_create_historical_record, sender=HistoricalOpportunity)
def _follow_previous(sender, instance, history_instance, **kwargs):
    previous = (sender.objects.filter(id=instance.pk).order_by("-history_date", "-history_id")
                .only("history_id", "links").first())
    history_instance.previous = previous
    links = instance.__dict__.pop("_history_links", None)
    history_instance.links = links if links is not None else (previous.links if previous else None)


def link_previous(opportunity_ids):
    """Records written in bulk (an import) follow the one before them, and keep its links."""
    if not opportunity_ids:
        return
    table = HistoricalOpportunity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE {table} h SET previous_id = p.history_id, links = coalesce(h.links, p.links)
            FROM {table} p
            WHERE h.id = ANY(%s) AND h.previous_id IS NULL AND p.id = h.id
              AND p.history_id = (SELECT max(q.history_id) FROM {table} q
                                  WHERE q.id = h.id AND q.history_id < h.history_id)
        """, [list(opportunity_ids)])


def with_previous(records):
    """History records with what their diffs read, in the same query."""
    names = related_names(HistoricalOpportunity)
    return records.select_related("history_user", *names, "previous", *(f"previous__{n}" for n in names))


def _role_text(role):
    code, contact, stance = role
    return f"{BuyerRole.Role(code).label if code in BuyerRole.Role.values else code}: {contact} · " \
           f"{BuyerRole.Support(stance).label if stance in BuyerRole.Support.values else stance}"


def _link_rows(newer, previous):
    if not newer or not previous:
        return []
    rows = []
    labels = {"products": Opportunity._meta.get_field("products").verbose_name,
              "competitors": Opportunity._meta.get_field("competitors").verbose_name,
              "roles": OpportunityRole._meta.verbose_name_plural}
    for key, label in labels.items():
        old, new = previous.get(key) or [], newer.get(key) or []
        if old != new:
            show = _role_text if key == "roles" else str
            rows.append((label, ", ".join(show(v) for v in old), ", ".join(show(v) for v in new)))
    return rows


def changes(record):
    """[(label, old text, new text)] of one record against the one it follows; amounts in their currency."""
    previous = record.previous
    if previous is None:
        return []
    amount = Opportunity._meta.get_field("amount").verbose_name
    rows = [(label, format_money(previous.amount, previous.currency), format_money(record.amount, record.currency))
            if label is amount else (label, old, new)
            for label, old, new in record_changes(record, previous, Opportunity)]
    return rows + _link_rows(record.links, previous.links)


def stage_moved(record):
    previous = record.previous
    return previous is not None and previous.stage_id != record.stage_id


def title(record):
    """How one record reads on the account timeline and the opportunity's page."""
    names = {"name": record.name, "stage": record.stage,
             "from": record.previous.stage if record.previous is not None else ""}
    if record.history_type == "+":
        return _("Opportunity “%(name)s” opened at %(stage)s") % names
    if record.history_type == "-":
        return _("Opportunity “%(name)s” deleted") % names
    if stage_moved(record):
        return _("Opportunity “%(name)s” moved from %(from)s to %(stage)s") % names
    return _("Opportunity “%(name)s” edited") % names


def reason(record):
    if record.history_change_reason == IMPORT_REASON:
        return _("Imported")
    if record.history_change_reason == MIGRATION_REASON:
        return _("Migrated from the “open tender” checkbox")
    return reason_text(record.history_change_reason)


class Step:
    """One record as a page shows it."""

    def __init__(self, record):
        self.at, self.actor, self.type = record.history_date, record.history_user, record.history_type
        self.title, self.changes, self.reason = title(record), changes(record), reason(record)


def steps(opportunity, limit=50):
    """The newest `limit` records of `opportunity`, each with its diff: one query."""
    records = with_previous(opportunity.history.all()).order_by("-history_date", "-history_id")[:limit]
    return [Step(record) for record in records]
