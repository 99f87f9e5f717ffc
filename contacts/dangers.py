"""Danger rules of the buying centre (K-13), computed and never typed by hand.

Two views of the same rules: `account_dangers` explains one account's dangers
from its roles; `with_danger_score` ranks many accounts in a single SQL query.
A test keeps the two in step.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import BuyerRole, Contact, TouchScale
from core.sql import statement_trigger_sql

DANGER, WARNING = 2, 1  # a rule's weight in the portfolio ranking
REQUIRED_ROLES = [BuyerRole.Role.DECISION_MAKER, BuyerRole.Role.GATEKEEPER, BuyerRole.Role.USER]


@dataclass(frozen=True)
class Danger:
    severity: int
    code: str
    message: str

    @property
    def is_danger(self):
        return self.severity == DANGER


def account_dangers(roles):
    """`roles`: the account's BuyerRoles with their contacts (already fetched)."""
    found = []
    active_roles = [r for r in roles if not r.contact.has_left]
    for role in BuyerRole.Role:
        if any(r.role == role for r in active_roles):
            continue
        left = [r for r in roles if r.role == role and r.contact.has_left]
        if left:
            found.append(Danger(DANGER, f"left:{role}", _("%(role)s %(name)s has left: the role is open.")
                                % {"role": role.label, "name": left[0].contact}))
        elif role == BuyerRole.Role.COACH:
            found.append(Danger(WARNING, "no_coach", _("No coach: nobody tells us how this customer works.")))
        else:
            found.append(Danger(DANGER, f"missing:{role}", _("%(role)s unknown.") % {"role": role.label}))
    for r in active_roles:
        if r.is_danger_zone:
            found.append(Danger(DANGER, f"zone:{r.pk}", zone_message(r)))
    return sorted(found, key=lambda d: -d.severity)


def zone_message(role):
    """K-13: the danger zone in words, saying when the level is the one computed from the visits."""
    values = {"name": role.contact, "role": role.get_role_display(), "influence": role.influence,
              "level": role.effective_contact_level, "rating": role.contact_level}
    if not role.rating_overruled:
        return _("Danger zone: %(name)s (%(role)s) has influence %(influence)s but our contact is only %(level)s."
                 ) % values
    last = role.contact.last_touched_at
    if last is None:
        return _("Danger zone: %(name)s (%(role)s) has influence %(influence)s but no touch with them is logged: "
                 "contact %(level)s from the visits, where the rating says %(rating)s.") % values
    return _("Danger zone: %(name)s (%(role)s) has influence %(influence)s but our contact is only %(level)s, "
             "computed from the visits (last touch %(date)s, %(count)s in 180 days), where the rating says "
             "%(rating)s.") % {**values, "date": timezone.localdate(last).isoformat(),
                               "count": role.contact.recent_touches}


def effective_contact_level():
    """TouchScale.effective in SQL, for a BuyerRole queryset: the computed level when it is more
    than one step from the manager's rating."""
    gap = TouchScale.TRUSTED_GAP
    apart = (Q(contact__touch_level__gt=F("contact_level") + gap)
             | Q(contact__touch_level__lt=F("contact_level") - gap))
    return Case(When(Q(contact__touch_level__isnull=False) & apart, then=F("contact__touch_level")),
                default=F("contact_level"), output_field=IntegerField())


def danger_score(dangers):
    return sum(d.severity for d in dangers)


def with_danger_score(accounts, *, live=False):
    """Annotate `danger_score` on an Account queryset by the same rules: read from the read model
    (contacts.models.DangerScore, kept by the database), computed live for an account it has no row
    for, or for all with `live=True` (the definition the read model is tested against). The admin's
    danger map ranks every account: from the column, 100k accounts cost a join, not 2.7 s of scoring."""
    if live:
        return accounts.annotate(danger_score=_live_score())
    return accounts.annotate(danger_score=Coalesce(F("danger__score"), _live_score(), output_field=IntegerField()))


def _live_score():
    """The score of the account `pk` of the outer query, in SQL: one correlated aggregate over the
    account's roles. (One EXISTS per rule let PostgreSQL hash every account's roles for each of them:
    7–9 s for a manager's danger map at 100k accounts, make bench.)"""
    holders = BuyerRole.objects.filter(account=OuterRef("pk")).order_by().values("account")
    active, left = Q(contact__status=Contact.Status.ACTIVE), Q(contact__status=Contact.Status.LEFT)
    counts, open_roles = {}, {}
    for role in BuyerRole.Role:
        counts[f"active_{role}"] = Count("pk", filter=Q(role=role) & active)
        counts[f"left_{role}"] = Count("pk", filter=Q(role=role) & left)
        weight = WARNING if role == BuyerRole.Role.COACH else DANGER
        open_roles[role] = Case(When(**{f"active_{role}__gt": 0}, then=Value(0)),
                                When(**{f"left_{role}__gt": 0}, then=Value(DANGER)),
                                default=Value(weight), output_field=IntegerField())
    counts["zones"] = Count("pk", filter=active & Q(influence__gte=BuyerRole.DANGER_INFLUENCE)
                            & LessThanOrEqual(effective_contact_level(), BuyerRole.DANGER_CONTACT))
    score = sum(open_roles.values(), Value(0)) + F("zones") * DANGER
    per_account = holders.annotate(**counts).annotate(score=score).values("score")
    # An account with no roles at all: every role open, none left.
    no_roles = sum(WARNING if role == BuyerRole.Role.COACH else DANGER for role in BuyerRole.Role)
    return Coalesce(Subquery(per_account, output_field=IntegerField()), Value(no_roles))


# --- The read model's upkeep (contacts.models.DangerScore) ----------------------------------------------
# The rules above are compiled once into the SQL of the database's refresh (the same statement Django
# runs live), so the two cannot drift apart; a change of the rules needs a migration that installs
# read_model_sql() again.


def _scores_sql():
    """SELECT (id, score) of every account, the live rules' own SQL with its constants inlined."""
    from django.db import connection

    from accounts.models import Account

    query = (Account.objects.order_by().annotate(score=_live_score()).values_list("pk", "score")).query
    sql, params = query.sql_with_params()
    return connection.ops.compose_sql(sql, params)


def read_model_sql():
    scores = _scores_sql()
    roles_differ = ("(o.account_id, o.contact_id, o.role, o.influence, o.contact_level) IS DISTINCT FROM "
                    "(n.account_id, n.contact_id, n.role, n.influence, n.contact_level)")
    contact_differs = "(o.status, o.touch_level) IS DISTINCT FROM (n.status, n.touch_level)"
    events = {
        ("contacts_buyerrole", "insert"): ("REFERENCING NEW TABLE AS new_rows", "SELECT account_id FROM new_rows"),
        ("contacts_buyerrole", "delete"): ("REFERENCING OLD TABLE AS old_rows", "SELECT account_id FROM old_rows"),
        ("contacts_buyerrole", "update"): (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"SELECT o.account_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {roles_differ} "
            f"UNION SELECT n.account_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {roles_differ}"),
        # A contact's status and computed degree of contact count through its roles.
        ("contacts_contact", "update"): (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "SELECT r.account_id FROM contacts_buyerrole r WHERE r.contact_id IN "
            f"(SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {contact_differs})"),
        # Every account has its row from the start (no roles: every role open), and its name beside
        # the score follows a rename: the admin's map ranks from the table's (score, name) index.
        ("accounts_account", "insert"): ("REFERENCING NEW TABLE AS new_rows", "SELECT id AS account_id FROM new_rows"),
        ("accounts_account", "update"): (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "SELECT n.id AS account_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
            "WHERE o.name IS DISTINCT FROM n.name"),
    }
    parts = [f"""
CREATE OR REPLACE FUNCTION contacts_danger_refresh(ids bigint[]) RETURNS void AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
    -- as tiering_cadence_refresh: a row, its lock in one order, then the score in a statement of its own
    INSERT INTO contacts_dangerscore (account_id, score, name)
    SELECT a.id, 0, a.name FROM accounts_account a WHERE a.id = ANY(ids) ORDER BY a.id
    ON CONFLICT (account_id) DO NOTHING;
    PERFORM 1 FROM contacts_dangerscore WHERE account_id = ANY(ids) ORDER BY account_id FOR UPDATE;
    UPDATE contacts_dangerscore d SET score = s.score, name = s.name
    FROM (SELECT q.*, a.name FROM ({scores}) q(id, score) JOIN accounts_account a ON a.id = q.id
          WHERE q.id = ANY(ids)) s
    WHERE d.account_id = s.id AND (d.score, d.name) IS DISTINCT FROM (s.score, s.name);
END $$ LANGUAGE plpgsql;
"""]
    for (table, event), (referencing, ids) in events.items():
        name = f"contacts_danger_{table.split('_', 1)[1]}_{event}"
        parts.append(statement_trigger_sql(
            name, table, event, referencing,
            f"contacts_danger_refresh(ARRAY(SELECT DISTINCT x.account_id FROM ({ids}) x))"))
    return "".join(parts)


def read_model_drop_sql():
    triggers = [("contacts", "buyerrole", "insert"), ("contacts", "buyerrole", "delete"),
                ("contacts", "buyerrole", "update"), ("contacts", "contact", "update"),
                ("accounts", "account", "insert"), ("accounts", "account", "update")]
    return "".join(f"DROP TRIGGER IF EXISTS contacts_danger_{t}_{e} ON {app}_{t}; "
                   f"DROP FUNCTION IF EXISTS contacts_danger_{t}_{e}();" for app, t, e in triggers
                   ) + " DROP FUNCTION IF EXISTS contacts_danger_refresh(bigint[]);"


def rebuild_sql():
    return [
        "LOCK TABLE contacts_dangerscore IN EXCLUSIVE MODE",
        "DELETE FROM contacts_dangerscore d WHERE NOT EXISTS "
        "(SELECT 1 FROM accounts_account a WHERE a.id = d.account_id)",
        f"""INSERT INTO contacts_dangerscore (account_id, score, name)
            SELECT q.id, q.score, a.name FROM ({_scores_sql()}) q(id, score) JOIN accounts_account a ON a.id = q.id
            ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, name = EXCLUDED.name
            WHERE (contacts_dangerscore.score, contacts_dangerscore.name)
                  IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.name)""",
    ]


def rebuild():
    """Score every account whole (after a load that bypassed the triggers). Returns the rows written."""
    from django.db import connection, transaction

    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in rebuild_sql():
            cursor.execute(sql)
            written += max(cursor.rowcount, 0)
    return written
