"""Demo data for a first look: `python manage.py seed_demo [--password P] [--seed N]`.

Lives in `reports` because reports is the one app that may read every other
app, and the demo grows with every capability. Idempotent: a second run makes
nothing new; `--seed` makes the generated data deterministic.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import demo_seeded
from reports.demo import (
    seed_care,
    seed_departments,
    seed_pipeline,
    seed_plans,
    seed_portfolio,
    seed_report_history,
    seed_targets,
    seed_tiers,
    seed_visits,
)
from users.models import Department, Team, User

DEFAULT_PASSWORD = "demo-pass-2026"

# username, display name, role, team key
PEOPLE = [
    ("admin", "Admin 管理员", User.Role.ADMIN, None),
    ("supervisor", "王主管 Wang", User.Role.SUPERVISOR, "east"),
    ("manager", "李经理 Li", User.Role.MANAGER, "east"),
    ("manager3", "陈经理 Chen", User.Role.MANAGER, "east"),
    ("supervisor2", "張主管 Zhang", User.Role.SUPERVISOR, "south"),
    ("manager2", "黃經理 Huang", User.Role.MANAGER, "south"),
    ("service_head", "周主任 Zhou", User.Role.DEPARTMENT, "dept:service"),
    ("service", "孙工 Sun", User.Role.DEPARTMENT, "dept:service"),
]
# code, English, 简体, 繁體, the head's username
DEPARTMENTS = [
    ("service", "Customer service", "客户服务部", "客戶服務部", "service_head"),
    ("finance", "Finance", "财务部", "財務部", None),
    ("technical", "Technical", "技术部", "技術部", None),
    ("logistics", "Logistics", "物流部", "物流部", None),
]
TEAMS = {
    "east": ("华东大客户部 East China Key Accounts", "supervisor"),
    "south": ("華南大客戶部 South China Key Accounts", "supervisor2"),
}


class Command(BaseCommand):
    help = "Load realistic demo data (users, teams, and what later capabilities add). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo user.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed; same seed, same data.")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when users exist already (used by `make run` to load the demo once).",
        )

    def handle(self, *args, password, seed, if_empty, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("Demo data present; skipping (run seed_demo without --if-empty to refresh).")
        else:
            with transaction.atomic():
                self.seed(rng=random.Random(seed), password=password)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_logins(password)

    def seed(self, *, rng, password):
        departments = {code: Department.objects.update_or_create(
            code=code, defaults={"name_en": en, "name_zh_hans": hans, "name_zh_hant": hant})[0]
            for code, en, hans, hant, _head in DEPARTMENTS}
        users = {username: self.seed_user(username, name, role, password,
                                          department=departments.get(key.removeprefix("dept:")) if key else None)
                 for username, name, role, key in PEOPLE}
        for code, *_names, head in DEPARTMENTS:
            if head:
                Department.objects.filter(code=code).update(head=users[head])
        for key, (name, supervisor) in TEAMS.items():
            team, _ = Team.objects.update_or_create(name=name, defaults={"supervisor": users[supervisor]})
            members = [users[u] for u, _, _, team_key in PEOPLE if team_key == key]
            User.objects.filter(pk__in=[m.pk for m in members]).update(team=team)
        for user in users.values():
            user.refresh_from_db()  # teams were set in bulk above
        accounts = seed_portfolio(rng=rng, users=users)
        seed_visits(rng=rng, users=users, accounts=accounts)
        seed_tiers(users=users, accounts=accounts)
        seed_pipeline(users=users, accounts=accounts)
        seed_care(users=users, accounts=accounts)
        seed_report_history(users=users, accounts=accounts)
        seed_targets(users=users)
        seed_plans(users=users, accounts=accounts)
        seed_departments(users=users, accounts=accounts)
        # what apps above reports own (hub's conversation), through core.demo
        demo_seeded.send(sender=self.__class__, users=users, accounts=accounts)

    def seed_user(self, username, display_name, role, password, department=None):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "department": department})
        user.display_name = display_name
        user.role = role
        user.department = department
        user.email = f"{username}@example.com"
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        user.set_password(password)
        user.save()
        return user

    def print_logins(self, password):
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, name, role, _ in PEOPLE:
            self.stdout.write(f"  {username:<12} {User.Role(role).label:<16} {name}")
