"""Satisfaction surveys (K-56): each row is recorded as if typed in, so a low score
becomes a customer issue for the account's manager at once."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.kinds.base import ACCOUNT, Column, Importer, Outcome, Row, account_cell, chunks, editable_accounts, fold
from imports.parsing import ParseError, parse_date, parse_int
from plans.models import SatisfactionSurvey
from plans.services import survey_record


def _score(cell):
    score = parse_int(cell)
    if score not in SatisfactionSurvey.SCALE:
        raise ParseError(_("a whole number from 1 to 5."))
    return score


class SurveyImporter(Importer):
    kind = "surveys"
    columns = (
        ACCOUNT,
        Column("taken_on", gettext_lazy("Date"), gettext_lazy("The day the customer answered, e.g. 2024-05-26 or "
               "2024年5月26日."), "2024-05-26", True, ("date", "日期", "调查日期", "調查日期")),
        Column("respondent", gettext_lazy("Respondent"), gettext_lazy("Who answered."), "周敏", True,
               ("受访人", "受訪人", "答卷人")),
        Column("score", gettext_lazy("Score"), gettext_lazy("A whole number from 1 (poor) to 5 (excellent)."), "5",
               True, ("评分", "評分", "分数", "分數")),
        Column("comments", gettext_lazy("Comments"), gettext_lazy("Free text."), "响应很快",
               aliases=("意见", "意見", "备注", "備註")),
    )

    def load(self, records):
        self.accounts = editable_accounts(self.by, (r.get("account") for r in records))
        self.existing = set()
        for chunk in chunks([a.pk for a in self.accounts.values() if a]):
            for account_id, taken_on, respondent in SatisfactionSurvey.objects.filter(account_id__in=chunk) \
                    .values_list("account_id", "taken_on", "respondent"):
                self.existing.add((account_id, taken_on, fold(respondent)))

    def check(self, line, record):
        row = Row(self, record)
        account = account_cell(self, row)
        taken_on = row.get("taken_on", parse_date)
        respondent = row.get("respondent")
        score = row.get("score", _score)
        comments = row.get("comments") or ""
        if taken_on and taken_on > timezone.localdate():
            row.error(_("A survey cannot be dated in the future."))
        if respondent:
            row.validate(SatisfactionSurvey(respondent=respondent, comments=comments), fields={"respondent"})
        label = f"{account} · {respondent or ''} · {taken_on or ''}" if account else ""
        key = (account.pk if account else None, taken_on, fold(respondent))
        if row.errors:
            return Outcome(line, "error", label, "; ".join(row.errors), key)
        if key in self.existing:
            return Outcome(line, "skip", label, _("Already recorded."), key)
        return Outcome(line, "create", label, "", key, {
            "account": account, "taken_on": taken_on, "respondent": respondent, "score": score, "comments": comments})

    def apply(self, outcomes, by):
        # One by one through the service: a low score opens its customer issue (K-22, K-56).
        for o in outcomes:
            if o.action == "create":
                o.target = survey_record(by=by, source=SatisfactionSurvey.Source.IMPORT, **o.payload)

    @staticmethod
    def record_url(target):
        from django.urls import reverse

        return reverse("plans:satisfaction", args=[target.account_id])
