"""The measured pages, who asks for them, and the ids they need (read from the seeded database)."""

import random
from dataclasses import dataclass, field

import psycopg2

PERSONAS = {"manager": "bench_mgr0", "supervisor": "bench_sup1", "admin": "bench_admin"}


@dataclass
class Page:
    name: str
    persona: str
    path: str
    method: str = "GET"
    # For POSTs: a function (rng, ids) -> form data, fresh per request.
    form: object = None
    expect: tuple = (200,)
    tags: list = field(default_factory=list)


def ids(database_url):
    """The rows the pages are about: manager 0's first key account, last month's submitted log."""
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM users_user WHERE username = %s", [PERSONAS["manager"]])
        manager = cur.fetchone()[0]
        cur.execute("""SELECT id FROM accounts_account WHERE owner_id = %s AND kind <> 'standard'
                       ORDER BY id LIMIT 1""", [manager])
        account = cur.fetchone()[0]
        cur.execute("SELECT array_agg(id ORDER BY id) FROM accounts_account WHERE owner_id = %s", [manager])
        accounts = cur.fetchone()[0]
        cur.execute("""SELECT id FROM visits_monthlylog WHERE author_id = %s AND status = 'submitted'
                       ORDER BY month DESC LIMIT 1""", [manager])
        log = cur.fetchone()[0]
    conn.close()
    return {"manager": manager, "account": account, "accounts": accounts, "log": log}


def active_contact(account, k):
    """The k-th contact (0-9) of an account, skipping the ones the seed marked as having left
    (every 97th): the visit form offers only active contacts."""
    contact = (account - 1) * 10 + 1 + k % 10
    return contact + (1 if k % 10 < 9 else -1) if contact % 97 == 0 else contact


def visit_form(rng, ids, now):
    """A visit with one contact of one of the manager's accounts (contact c is on account (c-1)/10+1)."""
    account = rng.choice(ids["accounts"])
    return {
        "account": account, "occurred_at": now.strftime("%Y-%m-%dT%H:%M"), "channel": "phone",
        "contacts": [active_contact(account, rng.randrange(10))],
        "purpose": "Bench check-in", "summary": "Volumes for next quarter.", "customer_replied": "true",
        "issues-TOTAL_FORMS": "0", "issues-INITIAL_FORMS": "0", "issues-MIN_NUM_FORMS": "0",
        "issues-MAX_NUM_FORMS": "5",
    }


def pages(ids):
    account, log = ids["account"], ids["log"]
    reports = ["", "concentration/", "conversion/", "evaluation/", "value/", "operating/", "targets/"]
    # Each list for each persona whose scope differs (issue 19): a manager's accounts and their
    # team's, a supervisor's teams, an admin's everything.
    lists = [("account list", "/accounts/"), ("account list, search", "/accounts/?q=steel"),
             ("contact list", "/contacts/"), ("contact list, search", "/contacts/?q=%E7%8E%8B"),
             ("visit list", "/visits/"), ("cadence board", "/tiering/cadence/"), ("danger map", "/accounts/dangers/"),
             # The global search (issue 23): a two-character Chinese name through the bigram indexes,
             # a mobile number's digits, and a Latin word across every kind.
             ("search, two characters", "/hub/search/?q=%E7%8E%8B%E8%8A%B3"),
             ("search, mobile", "/hub/search/?q=13800138"), ("search, word", "/hub/search/?q=steel")]
    return [
        Page("dashboard (manager)", "manager", "/"),
        Page("dashboard (supervisor)", "supervisor", "/"),
        Page("dashboard (admin)", "admin", "/"),
        *[Page(f"{name} ({persona})", persona, path) for name, path in lists for persona in PERSONAS],
        Page("account detail", "manager", f"/accounts/{account}/"),
        Page("account timeline", "manager", f"/hub/accounts/{account}/timeline/"),
        Page("org chart", "manager", f"/accounts/{account}/org-chart/"),
        Page("visit creation (POST)", "manager", "/visits/new/", method="POST", form=visit_form, expect=(302,)),
        Page("sign-off review", "supervisor", f"/visits/sign-off/{log}/"),
        *[Page(f"report {r.rstrip('/') or 'index'}", "supervisor", f"/reports/{r}") for r in reports],
        *[Page(f"report {r.rstrip('/')} ({persona})", persona, f"/reports/{r}")
          for r in ("concentration/", "evaluation/", "value/") for persona in ("manager", "admin")],
        Page("report visits quarterly", "supervisor", "/reports/visits/quarterly/"),
    ]


def rng(seed=8):
    return random.Random(seed)
