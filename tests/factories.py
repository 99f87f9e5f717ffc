import factory

from users.models import Department, Team, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = User.Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SupervisorFactory(UserFactory):
    role = User.Role.SUPERVISOR


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept{n}")
    name_en = factory.LazyAttribute(lambda d: d.code.title())
    name_zh_hans = "部门"
    name_zh_hant = "部門"


class DepartmentStaffFactory(UserFactory):
    """Department staff (X-02): no team, one department."""

    role = User.Role.DEPARTMENT
    department = factory.SubFactory(DepartmentFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Key Accounts {n}")
    supervisor = factory.SubFactory(SupervisorFactory)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Account"

    name = factory.Sequence(lambda n: f"客户 {n} Co.")
    industry = "Manufacturing"
    region = "华东"
    kind = "strategic"
    status = "active"
    owner = factory.SubFactory(UserFactory)


class ProspectFactory(AccountFactory):
    status = "prospect"
    kind = "standard"
    owner = None


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Order"

    account = factory.SubFactory(AccountFactory)
    signed_on = factory.Faker("date_between", start_date="-300d", end_date="today")
    amount = factory.Faker("pydecimal", left_digits=6, right_digits=2, positive=True, min_value=1000)
    currency = factory.LazyAttribute(lambda order: order.account.currency)
    product = "ERP licence"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contacts.Contact"

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name", locale="zh_CN")
    title = "经理"


class BuyerRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contacts.BuyerRole"

    contact = factory.SubFactory(ContactFactory)
    account = factory.SelfAttribute("contact.account")
    role = "decision_maker"
    influence = 3
    contact_level = 3


def stage(name_en):
    """A stage of the default pipeline (opportunities.defaults), put back if a flush removed it."""
    from opportunities.defaults import STAGES
    from opportunities.models import Stage

    en, hans, hant, position, probability, kind = next(row for row in STAGES if row[0] == name_en)
    return Stage.objects.get_or_create(name_en=en, defaults={
        "name_zh_hans": hans, "name_zh_hant": hant, "position": position, "probability": probability,
        "kind": kind})[0]


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "opportunities.Opportunity"

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"项目 {n}")
    amount = 500_000
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    stage = factory.LazyFunction(lambda: stage("Lead"))
    owner = factory.LazyAttribute(lambda o: o.account.owner or UserFactory())


def tender_at(account, **fields):
    """K-32: the account opens a tender — an opportunity at the default pipeline's tender stage."""
    return OpportunityFactory(account=account, stage=stage("Tender"), **fields)


def with_tender(account):
    """The account, with a tender opened on it (tender_at): for `with_tender(AccountFactory(...))`."""
    tender_at(account)
    return account
