"""What each API resource shows and accepts. Related rows are given by id and looked up in the
caller's own scope (`ScopedRelated`): an id outside it is "does not exist", named at its field,
just as the page's picker would not offer it. Writes go through each app's services."""

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Account, LostReason, ObjectionType, Order
from accounts.selectors import assignable_people
from care.models import CareTask
from contacts.models import BuyerRole, Contact
from tiering.models import Tier
from visits.forms import loggable_accounts
from visits.models import CustomerIssue, Visit


class ScopedRelated(serializers.PrimaryKeyRelatedField):
    """An id looked up in `scope(user)`: what the user may see (or choose), nothing else."""

    def __init__(self, scope=None, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


def visible_accounts(user):
    return Account.objects.visible_to(user)


def visible_contacts(user):
    return Contact.objects.visible_to(user)


class AccountSerializer(serializers.ModelSerializer):
    owner = ScopedRelated(assignable_people, required=False, allow_null=True,
                          help_text="The responsible manager's user id (K-05).")
    parent = ScopedRelated(visible_accounts, required=False, allow_null=True,
                           help_text="The group account its figures roll up to (K-07).")
    lost_reason = serializers.PrimaryKeyRelatedField(queryset=LostReason.objects.in_use(), required=False,
                                                     allow_null=True)
    objection_type = serializers.PrimaryKeyRelatedField(queryset=ObjectionType.objects.in_use(), required=False,
                                                        allow_null=True)
    tier = serializers.SerializerMethodField(help_text="The account's current tier's id, null before its first.")
    archived = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "name", "kind", "status", "industry", "size", "region", "language", "currency", "founded_on",
                  "business_scope", "parent", "lost_reason", "objection_type", "explicit_needs", "implicit_needs",
                  "purchase_history", "competitor_opinion", "sentiment", "sentiment_notes", "relationship_style",
                  "potential", "owner", "responsible_department", "executive_sponsor", "tier", "archived",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_tier(self, account):
        try:
            return account.tier_state.tier_id
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(serializers.BooleanField())
    def get_archived(self, account):
        return account.is_archived


class ContactSerializer(serializers.ModelSerializer):
    account = ScopedRelated(visible_accounts)
    reports_to = ScopedRelated(visible_contacts, required=False, allow_null=True,
                               help_text="A contact of the same account.")
    roles = serializers.SerializerMethodField(help_text="The buyer roles the contact holds (K-11).")

    class Meta:
        model = Contact
        fields = ["id", "account", "name", "gender", "title", "department", "reports_to", "mobile", "phone", "email",
                  "wechat", "address", "language", "birthday_calendar", "birth_year", "birth_month", "birth_day",
                  "birth_leap_month", "preferred_channel", "contact_rhythm", "personality", "hobbies",
                  "family_notes", "status", "left_on", "roles", "created_at"]
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=BuyerRole.Role.choices)))
    def get_roles(self, contact):
        codes = getattr(contact, "role_codes", None)
        if codes is None and contact.pk:
            codes = [r.role for r in contact.roles.all()]
        return sorted(set(codes or ()), key=BuyerRole.Role.values.index)


class ContactUpdateSerializer(ContactSerializer):
    account = serializers.PrimaryKeyRelatedField(read_only=True, help_text="A contact stays at its account.")


class BuyerRoleSerializer(serializers.ModelSerializer):
    contact = ScopedRelated(visible_contacts)
    counterpart = ScopedRelated(assignable_people, required=False, allow_null=True,
                                help_text="Our counterpart's user id (K-12).")

    class Meta:
        model = BuyerRole
        fields = ["id", "account", "contact", "role", "duties", "influence", "support", "contact_level",
                  "counterpart", "plan_goal", "plan_method", "plan_timing", "plan_next_action", "plan_frequency",
                  "plan_next_review_on"]
        read_only_fields = ["account"]


class BuyerRoleUpdateSerializer(BuyerRoleSerializer):
    contact = serializers.PrimaryKeyRelatedField(read_only=True, help_text="A role stays with its holder.")


class OrderSerializer(serializers.ModelSerializer):
    account = ScopedRelated(visible_accounts)
    external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True,
        help_text="The order's id in your ERP. Sending an order with the same id again updates it: "
                  "a resend never makes a second order.")

    class Meta:
        model = Order
        fields = ["id", "account", "external_id", "signed_on", "amount", "currency", "product", "contract_months",
                  "reference", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"currency": {"required": False, "allow_blank": True,
                                     "help_text": "ISO 4217; the account's currency when left out."},
                        "amount": {"min_value": Decimal("0.01")}}


class IssueInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CustomerIssue.Kind.choices)
    description = serializers.CharField(max_length=5000)
    department = serializers.CharField(max_length=100, help_text="Where it is routed, e.g. After-sales.")


class VisitSerializer(serializers.ModelSerializer):
    account = ScopedRelated(loggable_accounts, help_text="An account you own or serve on (or your team's).")
    contacts = ScopedRelated(visible_contacts, many=True, required=False, help_text="Contacts met.")
    issues = IssueInputSerializer(many=True, required=False, write_only=True,
                                  help_text="Issues the customer raised that could not be answered on the spot.")
    issue_ids = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "account", "author", "occurred_at", "log_month", "channel", "contacts", "purpose", "summary",
                  "customer_feedback", "sentiment", "next_steps", "follow_up_on", "location", "customer_replied",
                  "issues", "issue_ids", "created_at", "updated_at"]
        read_only_fields = ["author", "log_month", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_issue_ids(self, visit):
        return [issue.pk for issue in visit.issues.all()]


class CustomerIssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerIssue
        fields = ["id", "visit", "account", "kind", "description", "department", "owner", "due_at", "status",
                  "resolution", "resolved_at", "informed_at", "created_at"]
        read_only_fields = fields


class IssueFollowUpSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CustomerIssue.Status.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    resolution = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CareTaskSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)

    class Meta:
        model = CareTask
        fields = ["id", "kind", "title", "account", "contact", "owner", "due_on", "channel", "status", "outcome",
                  "done_at", "done_by", "created_at"]
        read_only_fields = fields


class CareTaskDoneSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000, help_text="What happened: the point of the task.")
    channel = serializers.ChoiceField(choices=CareTask.Channel.choices, required=False,
                                      help_text="How it was done; the task's suggested channel when left out.")


class TierSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_display", read_only=True)
    description = serializers.CharField(source="description_display", read_only=True)
    benefits = serializers.CharField(source="benefits_display", read_only=True)

    class Meta:
        model = Tier
        fields = ["id", "code", "name", "rank", "description", "benefits", "is_default"]
        read_only_fields = fields


# The body of each webhook event (notifications.webhooks) is the row as the API shows it.
WEBHOOK_PAYLOADS = {
    "accounts.account": AccountSerializer,
    "contacts.contact": ContactSerializer,
    "contacts.buyerrole": BuyerRoleSerializer,
    "accounts.order": OrderSerializer,
    "visits.visit": VisitSerializer,
    "visits.customerissue": CustomerIssueSerializer,
}
