"""Visit factories: rows as they are stored. Tests of the rules log visits
through visits.services; these build the background the rules are checked against."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import AccountFactory, UserFactory
from visits.services import month_of


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "visits.Visit"
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    author = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    log_month = factory.LazyAttribute(lambda v: month_of(v.occurred_at))
    channel = "on_site"
    purpose = "Quarterly review"
    summary = "Went through the delivery plan."

    @factory.post_generation
    def contacts(visit, create, extracted, **kwargs):
        if create and extracted:
            visit.contacts.set(extracted)


class CustomerIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "visits.CustomerIssue"

    visit = factory.SubFactory(VisitFactory)
    account = factory.SelfAttribute("visit.account")
    owner = factory.SelfAttribute("visit.author")
    kind = "request"
    description = "Wants a spare-parts price list."
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72))
