"""K-21, the lock made whole: the monthly log's own row, and the audit trail.

Migration 0002 locks a signed-off month's visits, contacts and issues, keyed on the
log's status. These triggers guard that status itself, so no QuerySet.update(),
admin or raw SQL can unlock a month without leaving its reason on the trail:

- A log is born open, keeps its manager and month, and moves only along the
  services' state machine (visits.services): open/returned -> submitted ->
  approved/returned, approved -> open (a reopen).
- Every move has its SignOffEvent, one each: the invariant "the log's status is
  the state its newest event leads to (open with none)" holds at every commit.
  A move is refused while the previous move still lacks its event; an event is
  refused unless it pairs with the move just made; and a deferred check at commit
  refuses a move whose event never came.
- An approved log does not change, except by its reopen; its submission time and
  lateness change only with a submission; a submitted or approved log cannot be
  deleted.
- The audit tables are append-only: sign-off events, the visits' history
  (simple-history) and the issues' follow-up steps (IssueUpdate; an issue's
  original record is locked by 0002, it has no history table of its own). Their
  rows are never updated or deleted, so neither is anything whose deletion would
  cascade to them (an issue, a log with a trail, a person the history names:
  deactivate people, do not delete them).

Errors begin "sign-off:", "audit trail:" or, for a change to a signed-off log,
"month locked" (visits.services.LOCK_MESSAGE). TRUNCATE and disabling triggers
are not guarded here: the app's database role cannot do either (README,
"Database roles").
"""

from django.db import migrations

FORWARD = r"""
-- The state an event leads to; no event at all means open.
CREATE FUNCTION visits_signoff_target(text) RETURNS text AS $$
    SELECT CASE WHEN $1 IS NULL OR $1 = 'reopened' THEN 'open' ELSE $1 END
$$ LANGUAGE sql IMMUTABLE;

-- The event a move from one status to another needs; NULL for a move the services never make.
CREATE FUNCTION visits_signoff_event_for(text, text) RETURNS text AS $$
    SELECT CASE
        WHEN $1 IN ('open', 'returned') AND $2 = 'submitted' THEN 'submitted'
        WHEN $1 = 'submitted' AND $2 IN ('approved', 'returned') THEN $2
        WHEN $1 = 'approved' AND $2 = 'open' THEN 'reopened'
    END
$$ LANGUAGE sql IMMUTABLE;

-- Where a log's trail has brought it: the target of its newest event.
CREATE FUNCTION visits_signoff_trail_state(bigint) RETURNS text AS $$
    SELECT visits_signoff_target(
        (SELECT kind FROM visits_signoffevent WHERE log_id = $1 ORDER BY id DESC LIMIT 1))
$$ LANGUAGE sql STABLE;

CREATE FUNCTION visits_monthlylog_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'open' THEN
            RAISE EXCEPTION 'sign-off: a monthly log starts open, not %', NEW.status;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('submitted', 'approved') THEN
            RAISE EXCEPTION 'sign-off: log % is %; it cannot be deleted', OLD.id, OLD.status;
        END IF;
        RETURN OLD;
    END IF;
    IF (NEW.author_id, NEW.month) IS DISTINCT FROM (OLD.author_id, OLD.month) THEN
        RAISE EXCEPTION 'sign-off: log % keeps its manager and month', OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF visits_signoff_event_for(OLD.status, NEW.status) IS NULL THEN
            RAISE EXCEPTION 'sign-off: log % cannot go from % to %', OLD.id, OLD.status, NEW.status;
        END IF;
        IF visits_signoff_trail_state(OLD.id) IS DISTINCT FROM OLD.status THEN
            RAISE EXCEPTION 'sign-off: log %''s move to % has no event yet', OLD.id, OLD.status;
        END IF;
    END IF;
    -- Signed off: only the reopen's own columns move (jsonb, so a column added later is frozen too).
    IF OLD.status = 'approved' AND (
        to_jsonb(NEW) - 'status' - 'decided_by_id' - 'decided_at'
            IS DISTINCT FROM to_jsonb(OLD) - 'status' - 'decided_by_id' - 'decided_at'
        OR (NEW.status = OLD.status AND (NEW.decided_by_id, NEW.decided_at)
                                         IS DISTINCT FROM (OLD.decided_by_id, OLD.decided_at))
    ) THEN
        RAISE EXCEPTION 'month locked: log % is signed off; reopen it first', OLD.id;
    END IF;
    -- When it was submitted, and whether late (K-21), is written by the submission alone.
    IF (NEW.submitted_at, NEW.is_late) IS DISTINCT FROM (OLD.submitted_at, OLD.is_late)
       AND NOT (NEW.status = 'submitted' AND OLD.status <> 'submitted') THEN
        RAISE EXCEPTION 'sign-off: log %''s submission time and lateness change only when it is submitted', OLD.id;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER monthly_log_guard BEFORE INSERT OR UPDATE OR DELETE ON visits_monthlylog
    FOR EACH ROW EXECUTE FUNCTION visits_monthlylog_guard();

-- At commit: every move made in the transaction has its event. The row is read again, as the
-- NEW of an early UPDATE may be stale by then.
CREATE FUNCTION visits_monthlylog_has_its_event() RETURNS trigger AS $$
DECLARE
    current_status text;
BEGIN
    SELECT status INTO current_status FROM visits_monthlylog WHERE id = NEW.id;
    IF FOUND AND visits_signoff_trail_state(NEW.id) IS DISTINCT FROM current_status THEN
        RAISE EXCEPTION 'sign-off: log % became % with no sign-off event', NEW.id, current_status;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER monthly_log_has_its_event AFTER UPDATE ON visits_monthlylog
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION visits_monthlylog_has_its_event();

-- An event pairs with the move its log has just made, once.
CREATE FUNCTION visits_signoffevent_pairs() RETURNS trigger AS $$
DECLARE
    log_status text;
    trail text;
BEGIN
    -- The row lock orders two events for one log; the first one's move is the one that counts.
    SELECT status INTO log_status FROM visits_monthlylog WHERE id = NEW.log_id FOR UPDATE;
    trail := visits_signoff_trail_state(NEW.log_id);
    IF visits_signoff_event_for(trail, log_status) IS DISTINCT FROM NEW.kind THEN
        RAISE EXCEPTION 'sign-off: event % needs its log to have just made that move (log % is %, its trail %)',
            NEW.kind, NEW.log_id, log_status, trail;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER sign_off_event_pairs BEFORE INSERT ON visits_signoffevent
    FOR EACH ROW EXECUTE FUNCTION visits_signoffevent_pairs();

CREATE FUNCTION audit_row_is_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit trail: rows of % are never changed or deleted', TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER sign_off_event_append_only BEFORE UPDATE OR DELETE ON visits_signoffevent
    FOR EACH ROW EXECUTE FUNCTION audit_row_is_kept();
CREATE TRIGGER visit_history_append_only BEFORE UPDATE OR DELETE ON visits_historicalvisit
    FOR EACH ROW EXECUTE FUNCTION audit_row_is_kept();
CREATE TRIGGER issue_update_append_only BEFORE UPDATE OR DELETE ON visits_issueupdate
    FOR EACH ROW EXECUTE FUNCTION audit_row_is_kept();
"""

BACKWARD = """
DROP TRIGGER issue_update_append_only ON visits_issueupdate;
DROP TRIGGER visit_history_append_only ON visits_historicalvisit;
DROP TRIGGER sign_off_event_append_only ON visits_signoffevent;
DROP FUNCTION audit_row_is_kept();
DROP TRIGGER sign_off_event_pairs ON visits_signoffevent;
DROP FUNCTION visits_signoffevent_pairs();
DROP TRIGGER monthly_log_has_its_event ON visits_monthlylog;
DROP FUNCTION visits_monthlylog_has_its_event();
DROP TRIGGER monthly_log_guard ON visits_monthlylog;
DROP FUNCTION visits_monthlylog_guard();
DROP FUNCTION visits_signoff_trail_state(bigint);
DROP FUNCTION visits_signoff_event_for(text, text);
DROP FUNCTION visits_signoff_target(text);
"""


class Migration(migrations.Migration):
    dependencies = [("visits", "0005_overlap_notified")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
