"""The edit history starts with the stage steps recorded so far: each StageChange becomes a history
record (today's columns, that step's stage), each following the one before, with today's products,
competitors and buyer roles. And K-51's origin of the steps loaded rather than taken: the opportunities
the old "open tender" checkbox became (0002) and the rows of opportunity imports."""

from django.db import migrations

ORIGINS = """
UPDATE opportunities_stagechange sc SET origin = 'migration'
FROM opportunities_opportunity o, opportunities_stage s
WHERE o.id = sc.opportunity_id AND s.id = sc.to_stage_id AND sc.kind = 'created' AND sc.changed_by_id IS NULL
  AND s.kind = 'tender' AND o.name IN ('Open tender', '招标项目', '招標項目');

UPDATE opportunities_stagechange sc SET origin = 'import'
FROM imports_importjob j
WHERE j.kind = 'opportunities' AND j.applied_at IS NOT NULL AND sc.changed_by_id = j.owner_id
  AND sc.changed_at BETWEEN j.applied_at - interval '1 hour' AND j.applied_at;
"""

HISTORY = """
INSERT INTO opportunities_historicalopportunity
    (id, name, amount, currency, expected_close, tender_agency, bid_deadline, bid_submitted_on, tender_result,
     closed_on, account_id, lost_reason_id, objection_type_id, order_id, owner_id, stage_id,
     history_date, history_change_reason, history_type, history_user_id)
SELECT o.id, o.name, o.amount, o.currency, o.expected_close, o.tender_agency, o.bid_deadline, o.bid_submitted_on,
       o.tender_result, o.closed_on, o.account_id, o.lost_reason_id, o.objection_type_id, o.order_id, o.owner_id,
       sc.to_stage_id, sc.changed_at, CASE sc.origin WHEN 'team' THEN NULL ELSE sc.origin END,
       CASE WHEN sc.from_stage_id IS NULL THEN '+' ELSE '~' END, sc.changed_by_id
FROM opportunities_stagechange sc JOIN opportunities_opportunity o ON o.id = sc.opportunity_id
ORDER BY sc.changed_at, sc.id;

UPDATE opportunities_historicalopportunity h SET previous_id = x.prev
FROM (SELECT history_id, lag(history_id) OVER (PARTITION BY id ORDER BY history_date, history_id) AS prev
      FROM opportunities_historicalopportunity) x
WHERE h.history_id = x.history_id AND x.prev IS NOT NULL;

-- As opportunities.history.links_of sorts them (by code point: "C").
UPDATE opportunities_historicalopportunity h SET links = jsonb_build_object(
    'products', coalesce((SELECT jsonb_agg(p.product ORDER BY p.product COLLATE "C")
                          FROM opportunities_opportunity_products op
                          JOIN accounts_productposition p ON p.id = op.productposition_id
                          WHERE op.opportunity_id = h.id), '[]'::jsonb),
    'competitors', coalesce((SELECT jsonb_agg(c.name ORDER BY c.name COLLATE "C")
                             FROM opportunities_opportunity_competitors oc
                             JOIN accounts_competitor c ON c.id = oc.competitor_id
                             WHERE oc.opportunity_id = h.id), '[]'::jsonb),
    'roles', coalesce((SELECT jsonb_agg(jsonb_build_array(b.role, ct.name, r.stance)
                                        ORDER BY b.role COLLATE "C", ct.name COLLATE "C", r.stance)
                       FROM opportunities_opportunityrole r
                       JOIN contacts_buyerrole b ON b.id = r.buyer_role_id
                       JOIN contacts_contact ct ON ct.id = b.contact_id
                       WHERE r.opportunity_id = h.id), '[]'::jsonb));
"""


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0003_edit_history_and_origin"),
        ("imports", "0003_opportunities"),
    ]

    operations = [
        migrations.RunSQL(ORIGINS, migrations.RunSQL.noop),
        migrations.RunSQL(HISTORY, "DELETE FROM opportunities_historicalopportunity"),
    ]
