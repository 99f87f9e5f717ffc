"""Columns of the opportunity list's CSV/XLSX download (core.exports); the import reads the same headers."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column

# Reads only what OpportunityQuerySet.with_list_columns selects.
OPPORTUNITIES = [
    Column(_("Account"), "account"),
    Column(_("Opportunity"), "name"),
    Column(_("Stage"), "stage"),
    Column(_("Probability (%)"), lambda o: o.stage.probability),
    Column(_("Amount"), "amount"),
    Column(_("Currency"), "currency"),
    Column(_("Expected close"), "expected_close"),
    Column(_("Owner"), "owner"),
    Column(_("Tender agency"), "tender_agency"),
    Column(_("Bid deadline"), "bid_deadline"),
    Column(_("Bid submitted on"), "bid_submitted_on"),
    Column(_("Tender result"), "get_tender_result_display"),
    Column(_("Closed on"), "closed_on"),
    Column(_("Lost reason"), "lost_reason"),
    Column(_("Objection type"), "objection_type"),
]
