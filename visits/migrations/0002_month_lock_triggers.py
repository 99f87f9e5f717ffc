"""K-21: a signed-off month is locked for every write path.

The services refuse first with a friendly message; these triggers make the
database refuse too, so QuerySet.update(), the admin and raw SQL cannot change
or delete a locked month's visits, their contacts, or their issues' original
record. An issue's follow-up columns (status, resolution, resolved_at,
informed_at) stay writable. Errors start with "month locked", which
visits.services.LOCK_MESSAGE recognises.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION visits_month_locked(bigint, date) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM visits_monthlylog WHERE author_id = $1 AND month = $2 AND status = 'approved'
    )
$$ LANGUAGE sql STABLE;

CREATE FUNCTION visits_visit_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND visits_month_locked(OLD.author_id, OLD.log_month) THEN
        RAISE EXCEPTION 'month locked: visit % belongs to a signed-off month', OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND visits_month_locked(NEW.author_id, NEW.log_month) THEN
        RAISE EXCEPTION 'month locked: % is signed off for user %', NEW.log_month, NEW.author_id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER visit_month_lock BEFORE INSERT OR UPDATE OR DELETE ON visits_visit
    FOR EACH ROW EXECUTE FUNCTION visits_visit_lock();

CREATE FUNCTION visits_visit_locked(bigint) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM visits_visit v WHERE v.id = $1 AND visits_month_locked(v.author_id, v.log_month)
    )
$$ LANGUAGE sql STABLE;

CREATE FUNCTION visits_child_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND visits_visit_locked(OLD.visit_id) THEN
        -- PL/pgSQL does not short-circuit: the issue's columns are compared in
        -- a branch of their own, which the contacts table never reaches.
        IF TG_TABLE_NAME = 'visits_customerissue' AND TG_OP = 'UPDATE' THEN
            IF (OLD.visit_id, OLD.account_id, OLD.kind, OLD.description, OLD.department, OLD.due_at,
                OLD.owner_id, OLD.created_at)
               IS NOT DISTINCT FROM
               (NEW.visit_id, NEW.account_id, NEW.kind, NEW.description, NEW.department, NEW.due_at,
                NEW.owner_id, NEW.created_at) THEN
                RETURN NEW;  -- follow-up only: allowed after sign-off
            END IF;
        END IF;
        RAISE EXCEPTION 'month locked: visit % belongs to a signed-off month', OLD.visit_id;
    END IF;
    IF TG_OP <> 'DELETE' AND visits_visit_locked(NEW.visit_id) THEN
        RAISE EXCEPTION 'month locked: visit % belongs to a signed-off month', NEW.visit_id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER visit_contacts_month_lock BEFORE INSERT OR UPDATE OR DELETE ON visits_visit_contacts
    FOR EACH ROW EXECUTE FUNCTION visits_child_lock();
CREATE TRIGGER customer_issue_month_lock BEFORE INSERT OR UPDATE OR DELETE ON visits_customerissue
    FOR EACH ROW EXECUTE FUNCTION visits_child_lock();
"""

BACKWARD = """
DROP TRIGGER customer_issue_month_lock ON visits_customerissue;
DROP TRIGGER visit_contacts_month_lock ON visits_visit_contacts;
DROP TRIGGER visit_month_lock ON visits_visit;
DROP FUNCTION visits_child_lock();
DROP FUNCTION visits_visit_locked(bigint);
DROP FUNCTION visits_visit_lock();
DROP FUNCTION visits_month_locked(bigint, date);
"""


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
