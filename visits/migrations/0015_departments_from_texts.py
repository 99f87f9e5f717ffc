"""Departments as data (X-02): the free-text "routed to" of customer issues and "dispatched to" of
green-channel requests become Department rows where the words name one (after-sales, 售后 →
service; 财务 → finance …), named in all three languages; any other text becomes a department
of that name (a person's words, kept as typed). The system's own "Account management" (a low
survey score, which the account's manager follows up) routes nowhere."""

import re

from django.db import migrations

# (code, English, 简体, 繁體, words that name it), tried in this order: "after-sales" is service, not sales.
KNOWN = [
    ("service", "Customer service", "客户服务部", "客戶服務部",
     ("after-sales", "after sales", "aftersales", "service", "support", "售后", "售後", "客服", "服务", "服務")),
    ("finance", "Finance", "财务部", "財務部",
     ("finance", "financ", "accounting", "billing", "invoice", "财务", "財務", "会计", "會計", "发票", "發票")),
    ("technical", "Technical", "技术部", "技術部",
     ("technical", "tech", "r&d", "engineering", "研发", "研發", "技术", "技術", "工程")),
    ("logistics", "Logistics", "物流部", "物流部",
     ("logistics", "delivery", "shipping", "warehouse", "物流", "配送", "仓储", "倉儲", "发货", "發貨")),
    ("sales", "Sales", "销售部", "銷售部", ("sales", "销售", "銷售")),
]
SURVEY_KEY = "plans.survey.department"  # "Account management": the manager's own follow-up


def _finder(apps):
    Department = apps.get_model("users", "Department")
    made = {d.code: d for d in Department.objects.all()}

    def department_for(text):
        text = (text or "").strip()
        if not text:
            return None
        lowered = text.lower()
        for code, en, hans, hant, words in KNOWN:
            if any(word in lowered for word in words):
                if code not in made:
                    made[code] = Department.objects.create(code=code, name_en=en, name_zh_hans=hans,
                                                           name_zh_hant=hant)
                return made[code]
        code = (re.sub(r"[^a-z0-9]+", "-", lowered).strip("-") or "department")[:40]
        for existing in made.values():
            if existing.name_en == text[:100]:
                return existing
        unique, n = code, 1
        while unique in made:
            n += 1
            unique = f"{code}-{n}"
        made[unique] = Department.objects.create(code=unique, name_en=text[:100], name_zh_hans=text[:100],
                                                 name_zh_hant=text[:100])
        return made[unique]

    return department_for


def texts_to_departments(apps, schema_editor):
    CustomerIssue = apps.get_model("visits", "CustomerIssue")
    GreenChannelRequest = apps.get_model("visits", "GreenChannelRequest")
    department_for = _finder(apps)
    for issue in CustomerIssue.objects.only("id", "department_text", "written", "created_at", "status").iterator():
        written = dict(issue.written or {})
        entry = written.pop("department", None)
        system_words = isinstance(entry, dict) and entry.get("key") == SURVEY_KEY
        department = None if system_words else department_for(issue.department_text)
        fields = {"written": written}
        if department is not None:
            fields.update(department=department, routed_at=issue.created_at)
            if issue.status == "in_progress":
                fields["status"] = "open"  # nobody in the department holds it yet: theirs to accept
        CustomerIssue.objects.filter(pk=issue.pk).update(**fields)
    for green in GreenChannelRequest.objects.exclude(dispatched_to_text="").only("id", "dispatched_to_text"):
        GreenChannelRequest.objects.filter(pk=green.pk).update(department=department_for(green.dispatched_to_text))
    # The trail's steps: the first one logged the issue; later ones by the status they reached.
    schema_editor.execute("""
        UPDATE visits_issueupdate SET event = CASE status WHEN 'resolved' THEN 'resolved'
                                                          WHEN 'informed' THEN 'informed' ELSE 'updated' END;
        UPDATE visits_issueupdate u SET event = 'logged'
        FROM (SELECT min(id) AS id FROM visits_issueupdate GROUP BY issue_id) f WHERE u.id = f.id;
    """)


def departments_to_texts(apps, schema_editor):
    CustomerIssue = apps.get_model("visits", "CustomerIssue")
    GreenChannelRequest = apps.get_model("visits", "GreenChannelRequest")
    for issue in CustomerIssue.objects.select_related("department").exclude(department=None):
        CustomerIssue.objects.filter(pk=issue.pk).update(department_text=issue.department.name_en)
    for green in GreenChannelRequest.objects.select_related("department").exclude(department=None):
        GreenChannelRequest.objects.filter(pk=green.pk).update(dispatched_to_text=green.department.name_en)


class Migration(migrations.Migration):
    # Its own transaction: the rows it fills have deferred foreign-key checks, and PostgreSQL alters
    # no table with such events pending (0016 drops the text columns).

    dependencies = [
        ('users', '0003_departments'),
        ('visits', '0014_departments'),
    ]

    operations = [
        migrations.RunPython(texts_to_departments, departments_to_texts),
    ]
