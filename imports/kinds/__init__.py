"""What each import understands: one module per kind, the shared frame in base.py."""

from imports.kinds.accounts import AccountImporter
from imports.kinds.base import normalize_header
from imports.kinds.contacts import ContactImporter
from imports.kinds.opportunities import OpportunityImporter
from imports.kinds.orders import OrderImporter
from imports.kinds.surveys import SurveyImporter
from imports.kinds.visits import VisitImporter

IMPORTERS = {cls.kind: cls for cls in (AccountImporter, ContactImporter, OrderImporter, VisitImporter,
                                                SurveyImporter, OpportunityImporter)}

__all__ = ["IMPORTERS", "AccountImporter", "ContactImporter", "OpportunityImporter", "OrderImporter", "SurveyImporter",
           "VisitImporter",
           "normalize_header"]
