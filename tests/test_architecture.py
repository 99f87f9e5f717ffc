"""The dependency graph between our apps (issue 14), read from every module's imports with `ast`.

Layers, each importing only what is below it:

    core                      the shared ground: imports no app of ours
    audit                     the audit log: core only; hears sign-ins and exports by signal
    attachments               files on any record: core only; owners register their rules with it
    config                    wiring: imports core; only urls.py and celery.py reach the apps
    users
    notifications             core and users only
    accounts
    contacts
    visits   tiering          siblings: neither imports the other
    opportunities             above both: a won deal's order starts visits' after-sales steps; tiering
                              reads its tables by SQL only (K-32 "in a tender stage")
    care                      above visits and tiering: it turns their due work into tasks
                              (a cadence reminder from tiering.cadence, a touch logged with
                              visits.services) — the one sideways arrow, written down here
    plans
    reports  imports  feeds   the top floor: nothing imports them
    api
    hub                       (the account 360, issue 23)
    departments               the departments' pages over visits' routed work (X-02), beside them

No app imports config: settings are read through django.conf, the Celery app through
celery's shared_task. bench/ and tests/ may import anything. The failure names the file and
line of each forbidden import.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_users = {"core", "audit", "users"}
_accounts = _users | {"notifications", "accounts", "attachments"}
_contacts = _accounts | {"contacts"}
_care = _contacts | {"visits", "tiering", "opportunities", "care"}
_plans = _care | {"plans"}

# app -> the apps its modules may import (its own is always allowed)
ALLOWED = {
    "core": set(),
    "config": {"core"},
    "audit": {"core"},  # the audit log (issue 24): every app above may record into it
    "users": {"core", "audit"},
    "notifications": {"core", "audit", "users"},
    "accounts": _users | {"notifications", "attachments"},
    "contacts": _accounts,
    "visits": _contacts,
    "tiering": _contacts,
    "opportunities": _contacts | {"visits", "tiering"},
    "care": _contacts | {"visits", "tiering", "opportunities"},
    "plans": _care,
    "reports": _plans,
    "imports": _plans,
    "feeds": _plans,
    "hub": _plans,  # issue 23: the account 360 reads every app below; nothing imports it
    "departments": _care,
    "people": _accounts,  # in-app administration (issue 24): shows the accounts a leaver still owns
    "pwa": {"core"},  # the installable app (issue 20): names pages by URL, imports none
    "attachments": {"core"},  # photos and files (issue 20): knows no owner's model, see its registry
    "api": _plans,  # the REST API (issue 24): reads every app's scopes, calls their services
}
# The wiring that must name every app: the URLconf and the Celery app (autodiscovery).
WIRING = {Path("config/urls.py"), Path("config/celery.py")}
UNRESTRICTED = {"bench", "tests"}
OURS = set(ALLOWED) | UNRESTRICTED


def imported_apps(source, filename="<module>"):
    """(line, app) for each absolute import of one of our apps in this source, at any depth
    (an import inside a function is a dependency too)."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue  # relative imports stay inside their own package
        for name in names:
            top = name.split(".")[0]
            if top in OURS:
                yield node.lineno, top


def forbidden_imports(path, source):
    """'file:line: app imports other' for each import the layers do not allow."""
    relative = path.relative_to(ROOT) if path.is_absolute() else path
    app = relative.parts[0]
    if app in UNRESTRICTED or app not in ALLOWED or relative in WIRING:
        return []
    allowed = ALLOWED[app] | {app}
    may = ", ".join(sorted(ALLOWED[app])) or "none of our apps"
    return [f"{relative}:{line}: {app} imports {target} (it may import {may})"
            for line, target in imported_apps(source, str(relative)) if target not in allowed]


def our_modules():
    for app in sorted(ALLOWED):
        folder = ROOT / app
        if folder.is_dir():
            yield from sorted(folder.rglob("*.py"))


def test_no_module_imports_an_app_above_it_or_beside_it():
    modules = list(our_modules())
    assert len(modules) > 100  # the walk found the code
    problems = [problem for path in modules for problem in forbidden_imports(path, path.read_text())]
    assert not problems, "Imports against the layers (tests/test_architecture.py):\n" + "\n".join(problems)


def test_every_app_of_the_project_has_its_place():
    """A new app must be placed in ALLOWED, or the walk would skip it."""
    from django.apps import apps

    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert ours - set(ALLOWED) == set()


def test_the_graph_has_no_cycle():
    def reaches(start, goal, seen=()):
        return any(step == goal or (step not in seen and reaches(step, goal, (*seen, step)))
                   for step in ALLOWED.get(start, ()))

    assert [app for app in ALLOWED if reaches(app, app)] == []


def test_the_check_finds_an_upward_a_sideways_and_a_hidden_import():
    source = (
        "from accounts.models import Account\n"
        "import reports.analytics\n"
        "def later():\n"
        "    from care.services import care_task_done\n"
    )
    assert forbidden_imports(Path("visits/services.py"), source) == [
        "visits/services.py:2: visits imports reports (it may import accounts, attachments, audit, contacts, "
        "core, notifications, users)",
        "visits/services.py:4: visits imports care (it may import accounts, attachments, audit, contacts, core, "
        "notifications, users)",
    ]
    assert forbidden_imports(Path("config/health.py"), "from reports.models import JobRun\n") == [
        "config/health.py:1: config imports reports (it may import core)"]
    assert forbidden_imports(Path("config/urls.py"), "from reports import views\n") == []
    assert forbidden_imports(Path("tests/x.py"), "import reports\n") == []
