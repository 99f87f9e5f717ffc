"""The data set as set-based SQL: `INSERT … SELECT generate_series`, scaled by the account count.

Shape per account (both sizes): 10 contacts (one reports to the first), 4 buyer roles, 3 decision
steps, 1 relationship, 30 visits over two years with one contact each, 3 orders, one customer issue
per 100 visits, 3 opportunities (an open tender on every 17th account, as the old checkbox was) with
their first stage change. Every manager has ~222 accounts, teams have 5 managers and a supervisor, so the
small set is one team and the large one 91 teams (543 users): per-person work is the same and only the totals
grow — which is what the large ÷ small ratio is meant to expose.

Rows are written with `session_replication_role = replica`, which skips the triggers: the month-lock
triggers of visits/migrations/0002 (no month is approved while visits are written, and the approved
logs are written afterwards) and the foreign-key triggers, including contacts/migrations/0002's
composite same-account keys. The SQL keeps those invariants by construction (a contact's account is
derived from its id: contact c belongs to account (c-1)/10+1), and `check_integrity` proves it after.
"""

ACCOUNTS_PER_MANAGER = 222
MANAGERS_PER_TEAM = 5
CONTACTS_PER_ACCOUNT = 10
VISITS_PER_ACCOUNT = 30


def shape(accounts):
    managers = -(-accounts // ACCOUNTS_PER_MANAGER)
    teams = -(-managers // MANAGERS_PER_TEAM)
    return {"accounts": accounts, "managers": managers, "teams": teams, "per_team": MANAGERS_PER_TEAM,
            "contacts": accounts * CONTACTS_PER_ACCOUNT, "visits": accounts * VISITS_PER_ACCOUNT,
            # Zero-padded numbers in names, as wide as the largest: up to 100k accounts and 999 teams
            # the names are those of every earlier run; at a million they stay distinct (lpad cuts,
            # to_char would write ######).
            "account_digits": max(6, len(str(accounts))), "team_digits": max(3, len(str(teams)))}


# User ids: 1 = admin "bench_admin", 2..teams+1 = supervisors, then managers. Manager m (0-based)
# is user teams+2+m, in team m / 5 + 1. Account a (1-based) belongs to manager (a-1) % managers,
# except every 100th, an unowned prospect (the open pool every manager sees, K-06).
STEPS = [
    ("teams and users", """
INSERT INTO users_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                        date_joined, display_name, role, team_id, language)
SELECT 1, %(password)s, true, 'bench_admin', '', '', 'admin@bench.invalid', true, true, now(), 'Bench Admin',
       'admin', NULL, 'en';
INSERT INTO users_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                        date_joined, display_name, role, team_id, language)
SELECT t + 1, %(password)s, false, 'bench_sup' || t, '', '', 'sup' || t || '@bench.invalid', false, true, now(),
       'Supervisor ' || t, 'supervisor', NULL, 'en'
FROM generate_series(1, %(teams)s) t;
INSERT INTO users_team (id, name, created_at, supervisor_id)
SELECT t, 'Team ' || lpad(t::text, %(team_digits)s, '0'), now(), t + 1 FROM generate_series(1, %(teams)s) t;
UPDATE users_user SET team_id = id - 1 WHERE role = 'supervisor';
INSERT INTO users_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                        date_joined, display_name, role, team_id, language)
SELECT %(teams)s + 2 + m, %(password)s, false, 'bench_mgr' || m, '', '', 'mgr' || m || '@bench.invalid', false,
       true, now(), 'Manager ' || m, 'manager', m / %(per_team)s + 1, 'en'
FROM generate_series(0, %(managers)s - 1) m;
"""),
    ("accounts", """
INSERT INTO accounts_account (id, name, industry, size, business_scope, region, founded_on, kind, status,
    relationship_style, potential, explicit_needs, implicit_needs, purchase_history, competitor_opinion, sentiment,
    sentiment_notes, responsible_department, executive_sponsor, touches_since_review, profile_reviewed_at,
    created_at, updated_at, archived_at, owner_id, parent_id, profile_reviewed_by_id, language)
SELECT a,
       (ARRAY['Shanghai','Suzhou','Hangzhou','Nanjing','Ningbo','Wuxi','Hefei','Xiamen'])[a %% 8 + 1] || ' '
         || (ARRAY['Steel','Pharma','Logistics','Textile','Foods','Motors','Chemical','Energy','Optics','Paper',
                   'Cement','Glass'])[(a / 8) %% 12 + 1] || ' ' || lpad(a::text, %(account_digits)s, '0') || ' Co.',
       (ARRAY['Manufacturing','Healthcare','Retail','Energy'])[a %% 4 + 1],
       (ARRAY['small','medium','large','enterprise'])[a %% 4 + 1], 'Business scope of account ' || a,
       (ARRAY['华东 / Shanghai','华东 / Jiangsu','华东 / Zhejiang','华南 / Fujian'])[a %% 4 + 1],
       date '1990-01-01' + (a * 37) %% 10000,
       -- By the manager's round, not by a %% 5: every manager gets a fifth of key accounts at any size.
       CASE WHEN ((a - 1) / %(managers)s) %% 5 = 4
            THEN (ARRAY['economic','important','group','strategic'])[((a - 1) / %(managers)s / 5) %% 4 + 1]
            ELSE 'standard' END,
       CASE WHEN a %% 100 = 0 THEN 'prospect' WHEN a %% 23 = 0 THEN 'at_risk' ELSE 'active' END,
       '', 1 + a %% 5, 'Needs ' || a, '', '', '', (ARRAY['positive','neutral','negative',''])[a %% 4 + 1],
       '', '', '', a %% 5, now() - interval '40 days', now() - interval '800 days', now(), NULL,
       CASE WHEN a %% 100 = 0 THEN NULL ELSE %(teams)s + 2 + (a - 1) %% %(managers)s END,
       CASE WHEN a %% 50 = 7 AND a > 1 THEN a - 1 END, NULL, ''
FROM generate_series(1, %(accounts)s) a;
-- K-05: every key account has a second manager, a teammate of the owner.
INSERT INTO accounts_accountteammember (added_at, account_id, user_id)
SELECT now(), a.id, %(teams)s + 2 + ((a.owner_id - %(teams)s - 2) / %(per_team)s * %(per_team)s
                      + ((a.owner_id - %(teams)s - 2) %% %(per_team)s + 1) %% %(per_team)s) %% %(managers)s
FROM accounts_account a
WHERE a.kind <> 'standard' AND a.owner_id IS NOT NULL
  AND %(teams)s + 2 + ((a.owner_id - %(teams)s - 2) / %(per_team)s * %(per_team)s
                       + ((a.owner_id - %(teams)s - 2) %% %(per_team)s + 1) %% %(per_team)s) %% %(managers)s
      <> a.owner_id;
INSERT INTO accounts_competitor (name, offer, strengths, customer_opinion, account_id)
SELECT 'Rival ' || (a %% 7), 'Cheaper', 'Local service', '', a FROM generate_series(1, %(accounts)s) a;
INSERT INTO accounts_productposition (product, status, notes, account_id)
SELECT p, (ARRAY['in_use','evaluating','target'])[a %% 3 + 1], '', a
FROM generate_series(1, %(accounts)s) a, unnest(ARRAY['CRM Suite','Analytics']) p;
-- Three orders a year over two years, so that value, growth and concentration have work.
INSERT INTO accounts_order (signed_on, amount, product, contract_months, reference, created_at, account_id)
SELECT current_date - (o * 120 + a %% 90), 10000 + (a::bigint * 7919 + o * 104729) %% 2000000, 'CRM Suite',
       CASE WHEN o %% 2 = 0 THEN 12 END, 'C-' || a || '-' || o, now(), a
FROM generate_series(1, %(accounts)s) a, generate_series(0, 5) o
WHERE a %% 100 <> 0;
INSERT INTO accounts_prospectclaim (reason, status, created_at, decided_at, decision_note, account_id, claimant_id)
SELECT 'I know them', 'pending', now(), NULL, '', a, %(teams)s + 2 + (a / 100) %% %(managers)s
FROM generate_series(100, %(accounts)s, 300) a;
"""),
    ("contacts", """
INSERT INTO contacts_contact (id, name, gender, title, department, phone, mobile, email, wechat, address,
    birthday_calendar, birth_year, birth_month, birth_day, birth_leap_month, preferred_channel, contact_rhythm,
    hobbies, family_notes, personality, status, left_on, created_at, archived_at, account_id, reports_to_id,
    silent_since, language)
SELECT c,
       (ARRAY['Wang','Li','Zhang','Liu','Chen','Yang','Zhao','Huang','Zhou','Wu'])[c %% 10 + 1] || ' '
         || (ARRAY['Wei','Fang','Na','Min','Jing','Lei','Qiang','Yan','Jun','Hui','Tao'])[(c / 10) %% 11 + 1]
         || ' ' || c,
       (ARRAY['female','male'])[c %% 2 + 1],
       (ARRAY['CEO','CFO','IT Director','Purchasing Manager','Engineer','Operator','Assistant','CTO',
              'Head of Quality','Buyer'])[(c - 1) %% 10 + 1],
       'Dept ' || (c %% 5), '021-6123-4567',
       -- a mobile of its own, as people have (one number for all made every digit search match all)
       '138 ' || substr(lpad((c::bigint * 7919 %% 100000000)::text, 8, '0'), 1, 4) || ' '
         || substr(lpad((c::bigint * 7919 %% 100000000)::text, 8, '0'), 5, 4),
       'c' || c || '@customer.invalid', '', '',
       CASE WHEN c %% 10 = 3 THEN 'lunar' ELSE 'solar' END, 1960 + c %% 40,
       1 + c %% 12, 1 + (c / 12) %% 28, false, (ARRAY['phone','wechat','email',''])[c %% 4 + 1], '', '', '',
       (ARRAY['tiger','peacock','owl','koala',''])[c %% 5 + 1],
       CASE WHEN c %% 97 = 0 THEN 'left' ELSE 'active' END, CASE WHEN c %% 97 = 0 THEN current_date - 30 END,
       now() - interval '700 days', NULL, (c - 1) / 10 + 1,
       CASE WHEN (c - 1) %% 10 <> 0 THEN c - (c - 1) %% 10 END, NULL, ''
FROM generate_series(1, %(contacts)s) c;
INSERT INTO contacts_buyerrole (role, duties, influence, support, contact_level, plan_goal, plan_method,
    plan_timing, plan_next_action, plan_frequency, plan_next_review_on, account_id, counterpart_id, contact_id)
SELECT (ARRAY['decision_maker','gatekeeper','user','coach'])[r + 1], '', 1 + (a + r) %% 5,
       (a + r) %% 5 - 2, 1 + (a * 3 + r) %% 5, '', '', '', '', '', NULL, a, NULL, (a - 1) * 10 + r + 1
FROM generate_series(1, %(accounts)s) a, generate_series(0, 3) r;
INSERT INTO contacts_decisionstep (position, description, account_id, responsible_id)
SELECT s, 'Step ' || s, a, (a - 1) * 10 + s FROM generate_series(1, %(accounts)s) a, generate_series(1, 3) s;
INSERT INTO contacts_relationship (kind, note, from_contact_id, to_contact_id)
SELECT 'ally', '', (a - 1) * 10 + 2, (a - 1) * 10 + 3 FROM generate_series(1, %(accounts)s) a;
INSERT INTO contacts_personnelchange (kind, before, after, recorded_at, handled_at, account_id, contact_id,
                                      recorded_by_id)
SELECT 'left', 'Buyer', '', now() - interval '3 days', NULL, (c - 1) / 10 + 1, c,
       %(teams)s + 2 + ((c - 1) / 10) %% %(managers)s
FROM generate_series(97, %(contacts)s, 970) c;
"""),
    ("visits", """
-- Thirty touches per account over two years by its owner (the unowned prospects by manager 0),
-- one contact met each.
INSERT INTO visits_visit (id, occurred_at, log_month, channel, purpose, summary, customer_feedback, sentiment,
    next_steps, follow_up_on, location, customer_replied, version, created_at, updated_at, account_id, author_id)
SELECT v, t, date_trunc('month', t AT TIME ZONE %(tz)s)::date,
       (ARRAY['on_site','phone','video','email','wechat','sms'])[v %% 6 + 1],
       'Quarterly check-in', 'Discussed the roll-out and next quarter''s volume.', '', 'neutral', '', NULL, '',
       CASE WHEN v %% 6 IN (1, 3, 4, 5) THEN true END, 1, t, t, a,
       %(teams)s + 2 + (a - 1) %% %(managers)s
FROM (SELECT v, (v - 1) / 30 + 1 AS a,
             now() - ((v * 7919) %% 720) * interval '1 day' - ((v * 31) %% 600) * interval '1 minute' AS t
      FROM generate_series(1::bigint, %(visits)s) v) s;
-- The open pool's visits are spread over the managers, as its claims are.
UPDATE visits_visit SET author_id = %(teams)s + 2 + (account_id / 100) %% %(managers)s WHERE account_id %% 100 = 0;
INSERT INTO visits_visit_contacts (visit_id, contact_id)
SELECT v, ((v - 1) / 30) * 10 + 1 + v %% 10 FROM generate_series(1, %(visits)s) v;
INSERT INTO visits_customerissue (kind, description, due_at, created_at, status, resolution,
    resolved_at, informed_at, account_id, owner_id, visit_id)
SELECT (ARRAY['complaint','request','suggestion'])[v.id %% 3 + 1], 'Delivery delayed',
       v.occurred_at + interval '72 hours', v.occurred_at,
       CASE WHEN v.occurred_at > now() - interval '60 days' THEN 'open' ELSE 'informed' END, '', NULL,
       CASE WHEN v.occurred_at > now() - interval '60 days' THEN NULL ELSE v.occurred_at + interval '2 days' END,
       v.account_id, v.author_id, v.id
FROM visits_visit v WHERE v.id %% 100 = 0;
-- Sign-off (K-21): every past month approved, last month submitted (the supervisor's review queue).
INSERT INTO visits_monthlylog (month, status, submitted_at, is_late, overall_comment, decided_at, author_id,
                               decided_by_id)
SELECT m::date, CASE WHEN m < date_trunc('month', now() AT TIME ZONE %(tz)s) - interval '1 month'
                     THEN 'approved' ELSE 'submitted' END,
       m + interval '1 month 2 days', false, '',
       CASE WHEN m < date_trunc('month', now() AT TIME ZONE %(tz)s) - interval '1 month'
            THEN m + interval '1 month 4 days' END,
       u.id, CASE WHEN m < date_trunc('month', now() AT TIME ZONE %(tz)s) - interval '1 month'
                  THEN u.team_id + 1 END
FROM users_user u,
     generate_series(date_trunc('month', now() AT TIME ZONE %(tz)s) - interval '24 months',
                     date_trunc('month', now() AT TIME ZONE %(tz)s) - interval '1 month', interval '1 month') m
WHERE u.role = 'manager';
-- Each move with its event, as the sign-off triggers (visits migration 0006) expect of the trail.
INSERT INTO visits_signoffevent (kind, at, reason, by_id, log_id)
SELECT 'submitted', l.submitted_at, '', l.author_id, l.id FROM visits_monthlylog l;
INSERT INTO visits_signoffevent (kind, at, reason, by_id, log_id)
SELECT 'approved', l.decided_at, '', l.decided_by_id, l.id FROM visits_monthlylog l WHERE l.status = 'approved';
INSERT INTO visits_greenchannelrequest (title, description, requested_at, dispatched_at,
    completed_at, completion_note, account_id, completed_by_id, dispatched_by_id, requested_by_id)
SELECT 'Urgent spare part', '', now() - (a %% 30) * interval '1 day', NULL, NULL, '', a, NULL, NULL,
       %(teams)s + 2 + (a - 1) %% %(managers)s
FROM generate_series(5, %(accounts)s, 50) a WHERE a %% 100 <> 0;
"""),
    ("tiers and care", """
-- 95 %% of accounts have a tier (by kind); the rest are new, for tier_evaluate to place.
INSERT INTO tiering_accounttier (account_id, source, override_reason, set_at, set_by_id, tier_id)
SELECT a.id, 'initial', '', now() - interval '200 days', NULL,
       (SELECT id FROM tiering_tier WHERE code = CASE WHEN a.kind = 'strategic' THEN 'A'
                                                      WHEN a.kind <> 'standard' THEN 'B' ELSE 'C' END)
FROM accounts_account a WHERE a.id %% 20 <> 0;
INSERT INTO care_caretask (kind, occasion, occasion_names, params, title, message, due_on, channel, status, outcome,
    snooze_reason, done_at, created_at, account_id, contact_id, done_by_id, owner_id)
SELECT 'custom', 'bench-' || a, '{}', '{}', 'Send the case study', '', current_date + (a %% 21) - 7, 'email',
       CASE WHEN a %% 3 = 0 THEN 'done' ELSE 'open' END, '', '', CASE WHEN a %% 3 = 0 THEN now() END, now(),
       a, NULL, CASE WHEN a %% 3 = 0 THEN o END, o
FROM (SELECT a, %(teams)s + 2 + CASE WHEN a %% 100 = 0 THEN (a / 100) %% %(managers)s
                                     ELSE (a - 1) %% %(managers)s END AS o
      FROM generate_series(1, %(accounts)s, 2) a) s;
INSERT INTO care_gift (given_on, occasion, gift, value, story, contact_id, given_by_id)
SELECT current_date - (c %% 300), 'Spring Festival', 'Tea', 300, '', c,
       %(teams)s + 2 + ((c - 1) / 10) %% %(managers)s
FROM generate_series(2, %(contacts)s, 50) c;
INSERT INTO care_event (kind, title, date, region, created_at, account_id, contact_id, created_by_id)
SELECT 'major_event', 'Plant opening', current_date + (a %% 40), '', now(), a, NULL, 1
FROM generate_series(3, %(accounts)s, 40) a;
"""),
    ("opportunities", """
-- 3 per owned account (~300k on the large set): the pipeline's stages in turn, an open tender on every
-- 17th account (K-32), won and lost ones closed with a reason. Stages come from opportunities 0002.
WITH st AS (SELECT array_agg(id ORDER BY position) FILTER (WHERE kind <> 'tender') AS ids,
                   (SELECT id FROM opportunities_stage WHERE kind = 'tender' ORDER BY position LIMIT 1) AS tender
            FROM opportunities_stage),
     o AS (SELECT a.id AS account_id, a.owner_id, (a.id - 1) * 3 + k AS id, k,
                  CASE WHEN k = 1 AND a.id %% 17 = 0 THEN st.tender
                       ELSE st.ids[1 + ((a.id + k) %% array_length(st.ids, 1))] END AS stage_id
           FROM accounts_account a CROSS JOIN generate_series(1, 3) k CROSS JOIN st
           WHERE a.owner_id IS NOT NULL)
INSERT INTO opportunities_opportunity (id, account_id, name, amount, currency, stage_id, expected_close, owner_id,
    tender_agency, bid_deadline, bid_submitted_on, tender_result, lost_reason_id, objection_type_id, closed_on,
    order_id, created_at, updated_at)
SELECT o.id, o.account_id, 'Opportunity ' || o.id, 50000 + (o.id %% 40) * 25000, 'CNY', o.stage_id,
       CASE WHEN s.kind IN ('won', 'lost') THEN current_date - (o.id %% 300)::int
            ELSE current_date + (o.id %% 330)::int - 30 END,
       o.owner_id, CASE WHEN s.kind = 'tender' THEN 'Tender centre ' || (o.id %% 9) ELSE '' END,
       CASE WHEN s.kind = 'tender' THEN current_date + (o.id %% 20)::int END, NULL,
       CASE WHEN s.kind = 'tender' THEN 'pending' ELSE '' END,
       CASE WHEN s.kind = 'lost' THEN (SELECT min(id) FROM accounts_lostreason) END,
       CASE WHEN s.kind = 'lost' THEN (SELECT min(id) FROM accounts_objectiontype) END,
       CASE WHEN s.kind IN ('won', 'lost') THEN current_date - (o.id %% 300)::int END,
       NULL, now() - (o.id %% 400) * interval '1 day', now()
FROM o JOIN opportunities_stage s ON s.id = o.stage_id;
INSERT INTO opportunities_stagechange (opportunity_id, account_id, from_stage_id, to_stage_id, kind, changed_by_id,
    changed_at)
SELECT o.id, o.account_id, NULL, o.stage_id,
       CASE s.kind WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'created' END, o.owner_id, o.created_at
FROM opportunities_opportunity o JOIN opportunities_stage s ON s.id = o.stage_id;
"""),
]
