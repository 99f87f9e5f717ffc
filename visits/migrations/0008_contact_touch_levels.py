"""K-13: fill in the degree of contact computed from the visits already logged (the columns of
contacts 0007), so that the danger map is right from the first page after the upgrade. The
statement is the one visits.services runs every night, frozen here as migrations are."""

from django.db import migrations

FILL = """
WITH t AS (
    SELECT vc.contact_id, max(v.occurred_at) AS last_at,
           count(*) FILTER (WHERE v.occurred_at > now() - interval '180 days') AS recent
    FROM visits_visit_contacts vc JOIN visits_visit v ON v.id = vc.visit_id
    WHERE v.occurred_at <= now()
      AND NOT (v.channel IN ('phone', 'email', 'sms', 'wechat') AND v.customer_replied IS FALSE)
    GROUP BY vc.contact_id
)
UPDATE contacts_contact c SET last_touched_at = t.last_at, recent_touches = coalesce(t.recent, 0),
    touch_level = CASE
        WHEN t.last_at > now() - interval '30 days' AND coalesce(t.recent, 0) >= 6 THEN 5
        WHEN t.last_at > now() - interval '60 days' AND coalesce(t.recent, 0) >= 3 THEN 4
        WHEN t.last_at > now() - interval '90 days' THEN 3
        WHEN t.last_at > now() - interval '365 days' THEN 2
        ELSE 1 END
FROM contacts_contact c2 LEFT JOIN t ON t.contact_id = c2.id
WHERE c.id = c2.id AND c.archived_at IS NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0007_touch_level"),
        ("visits", "0007_overlap_alert_sent_by_outbox"),
    ]

    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]
