"""Issue 25, item 8: every count is said with the plural form its number needs, in all three
languages ("1 comment", never "1 comments"); Chinese has one form, and it is filled."""

from datetime import datetime
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import AccountFactory
from tiering.models import CadenceRequirement
from visits.services import monthly_log_comment, monthly_log_submit, visit_log

ROOT = Path(__file__).resolve().parent.parent
GROUP = CadenceRequirement.ChannelGroup.values[0]


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_plural_message_has_its_chinese_form_with_the_numbers_placeholders(language):
    catalog = polib.pofile(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    plurals = [entry for entry in catalog if entry.msgid_plural and not entry.obsolete]
    assert len(plurals) > 20
    for entry in plurals:
        form = entry.msgstr_plural.get(0, "")
        assert form and "fuzzy" not in entry.flags, entry.msgid
        # The one Chinese form serves every n, so it carries what the English plural says.
        for placeholder in ("%(n)s", "%(count)s", "%(days)s", "%(raw)s", "%(total)s", "%(within)s", "%(years)s"):
            assert (placeholder in form) == (placeholder in entry.msgid_plural), (entry.msgid, placeholder)


@pytest.mark.django_db
def test_the_quarterly_report_says_1_comment(client, manager, supervisor):
    account = AccountFactory(owner=manager)
    visit = visit_log(account=account, by=manager, occurred_at=timezone.make_aware(datetime(2026, 10, 12, 10)),
                      channel="on_site", purpose="Review", summary="Talked")
    log = monthly_log_submit(author=manager, month=visit.log_month, by=manager)
    monthly_log_comment(log=log, visit=visit, by=supervisor, text="Who decides on price?")
    client.force_login(supervisor)
    html = client.get(reverse("visit-quarterly"), {"quarter": "2026-Q4"}).content.decode()
    assert "1 comment on single visits this quarter." in html


@pytest.mark.parametrize(("days", "english", "chinese"), [(1, "every day", "每 1 天"),
                                                          (30, "every 30 days", "每 30 天")])
def test_a_cadence_of_one_day_is_every_day(days, english, chinese):
    requirement = CadenceRequirement(touches=1, period="days", days=days, channel_group=GROUP)
    with translation.override("en"):
        assert str(requirement).endswith(f" {english}")
    with translation.override("zh-hans"):
        assert str(requirement).startswith(chinese)


@pytest.mark.parametrize(("n", "english", "chinese"), [(1, "1 of 1 row", "1 / 1 行"), (2, "1 of 2 rows", "1 / 2 行")])
def test_the_import_progress_counts_rows(n, english, chinese):
    template = Template('{% load i18n %}{% blocktranslate with done=1 count total=n %}{{ done }} of {{ total }} row'
                        '{% plural %}{{ done }} of {{ total }} rows{% endblocktranslate %}')
    with translation.override("en"):
        assert template.render(Context({"n": n})) == english
    with translation.override("zh-hans"):
        assert template.render(Context({"n": n})) == chinese
