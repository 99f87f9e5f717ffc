"""The REST API's endpoints, thin like the pages: the scope is each app's own (`visible_to`,
`for_user`), so a row outside it is 404 here as there; a row in scope that the user may not
change is 403; every write is the app's service. The personal-access-token page is here too."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

import accounts.services
import care.services
import contacts.services
import visits.services
from accounts.models import Account, Order
from accounts.permissions import can_edit_account
from api import filters, services
from api import serializers as api
from api.forms import AccessTokenForm
from api.models import AccessToken
from care.models import CareTask
from care.permissions import can_work_on_task
from contacts.models import BuyerRole, Contact
from contacts.permissions import can_edit_contact
from core.forms import add_service_error
from core.idempotency import AlreadySaved
from core.views import confirm_page, run_service
from tiering.models import Tier
from visits.models import CustomerIssue, Visit
from visits.permissions import can_follow_up_issue

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", type=str, location=OpenApiParameter.HEADER, required=False,
    description="A UUID you make for this create: sending it again (a retry after a lost answer) makes "
                "nothing new and answers 200 with what the first request made.")


def in_visible_accounts(queryset, user):
    """Rows of the accounts `user` sees (an admin's: no filter, see AccountQuerySet.visible_to)."""
    return queryset if user.is_admin else queryset.filter(account__in=Account.objects.visible_to(user))


def idempotency_key(request):
    value = request.headers.get("Idempotency-Key")
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise serializers.ValidationError({"Idempotency-Key": [_("Give a UUID, e.g. %(example)s.")
                                                                % {"example": uuid.uuid4()}]}) from None


class ApiViewSet(viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    lookup_value_regex = r"[0-9]+"

    def scope(self, user):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return self.queryset
        return self.scope(self.request.user)

    def validated(self, serializer_class, data=None, **kwargs):
        serializer = serializer_class(data=self.request.data if data is None else data,
                                      context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def shown(self, row, code=status.HTTP_200_OK):
        return Response(self.get_serializer(row).data, status=code)


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    http_method_names = ["get", "head", "options"]


@extend_schema_view(partial_update=extend_schema(summary="Change an account (the account team, their "
                                                         "supervisor or an admin)"))
class AccountViewSet(ReadOnly, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Accounts (K-01, K-05): those you own or serve on, your team's, and the open prospects."""

    queryset = Account.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.AccountSerializer
    filterset_class = filters.AccountFilter
    ordering_fields = ["id", "name", "created_at", "updated_at"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope(self, user):
        return Account.objects.visible_to(user).select_related("tier_state")

    def create(self, request):
        fields = self.validated(api.AccountSerializer)
        return self.shown(accounts.services.account_create(by=request.user, **fields), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        account = self.get_object()
        if not can_edit_account(request.user, account):
            raise PermissionDenied
        fields = self.validated(api.AccountSerializer, instance=account, partial=True)
        return self.shown(accounts.services.account_update(account=account, by=request.user, **fields))


class ContactViewSet(ReadOnly, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Contacts of the accounts you see (K-10), with the buyer roles they hold."""

    queryset = Contact.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.ContactSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope(self, user):
        return Contact.objects.visible_to(user).with_roles()

    def get_serializer_class(self):
        return api.ContactUpdateSerializer if self.action == "partial_update" else api.ContactSerializer

    @extend_schema(parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        fields = self.validated(api.ContactSerializer)
        try:
            contact = contacts.services.contact_create(by=request.user, key=idempotency_key(request), **fields)
        except AlreadySaved as done:
            return self._again(done)
        return self.shown(self.get_queryset().get(pk=contact.pk), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        contact = self.get_object()
        if not can_edit_contact(request.user, contact):
            raise PermissionDenied
        fields = self.validated(api.ContactUpdateSerializer, instance=contact, partial=True)
        contacts.services.contact_update(contact=contact, by=request.user, **fields)
        return self.shown(self.get_queryset().get(pk=contact.pk))

    def _again(self, done):
        if done.object is None:
            return Response({"detail": _("This Idempotency-Key was used for another request.")},
                            status=status.HTTP_409_CONFLICT)
        return self.shown(self.get_queryset().get(pk=done.object.pk))


class BuyerRoleViewSet(ReadOnly, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin):
    """The four buyer roles (K-11) with their configuration (K-12) and service plan (K-14)."""

    queryset = BuyerRole.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.BuyerRoleSerializer
    filterset_class = filters.BuyerRoleFilter
    ordering_fields = ["id", "role"]
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scope(self, user):
        roles = BuyerRole.objects.select_related("contact__account")
        return roles.filter(contact__in=Contact.objects.visible_to(user))

    def get_serializer_class(self):
        return api.BuyerRoleUpdateSerializer if self.action == "partial_update" else api.BuyerRoleSerializer

    def create(self, request):
        fields = self.validated(api.BuyerRoleSerializer)
        role = contacts.services.buyer_role_save(role=BuyerRole(**fields), by=request.user)
        return self.shown(role, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        role = self._editable()
        for name, value in self.validated(api.BuyerRoleUpdateSerializer, instance=role, partial=True).items():
            setattr(role, name, value)
        return self.shown(contacts.services.buyer_role_save(role=role, by=request.user))

    def destroy(self, request, pk=None):
        contacts.services.buyer_role_remove(role=self._editable(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _editable(self):
        role = self.get_object()
        if not can_edit_contact(self.request.user, role.contact):
            raise PermissionDenied
        return role


@extend_schema_view(create=extend_schema(
    summary="Add an order, or bring it up to date by its ERP id",
    description="With `external_id`, the first call makes the order (201) and every call after it with the "
                "same id updates that order (200): an ERP can send an order twice safely. After-sales "
                "follow-ups start from the signing date as for any order (K-26).",
    responses={201: api.OrderSerializer, 200: api.OrderSerializer}))
class OrderViewSet(ReadOnly, mixins.CreateModelMixin):
    """Orders and contracts (K-08) of the accounts you see."""

    queryset = Order.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.OrderSerializer
    filterset_class = filters.OrderFilter
    ordering_fields = ["id", "signed_on", "amount", "created_at"]
    ordering = ["-signed_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def scope(self, user):
        return in_visible_accounts(Order.objects.all(), user)

    def create(self, request):
        fields = dict(self.validated(api.OrderSerializer))
        if not fields.get("currency"):
            fields["currency"] = fields["account"].currency
        external_id = fields.pop("external_id", "").strip()
        if not external_id:
            return self.shown(accounts.services.order_add(by=request.user, **fields), status.HTTP_201_CREATED)
        order, created = accounts.services.order_upsert(by=request.user, external_id=external_id, **fields)
        return self.shown(order, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class VisitViewSet(ReadOnly, mixins.CreateModelMixin):
    """Visits and touches (K-20) of the accounts you see; log one on an account you serve."""

    queryset = Visit.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.VisitSerializer
    filterset_class = filters.VisitFilter
    ordering_fields = ["id", "occurred_at", "created_at"]
    ordering = ["-occurred_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def scope(self, user):
        return Visit.objects.visible_to(user).prefetch_related("contacts", "issues")

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: api.VisitSerializer, 200: api.VisitSerializer})
    def create(self, request):
        fields = dict(self.validated(api.VisitSerializer))
        try:
            visit = visits.services.visit_log(by=request.user, key=idempotency_key(request), **fields)
        except AlreadySaved as done:
            if done.object is None:
                return Response({"detail": _("This Idempotency-Key was used for another request.")},
                                status=status.HTTP_409_CONFLICT)
            return self.shown(self.get_queryset().get(pk=done.object.pk))
        return self.shown(self.get_queryset().get(pk=visit.pk), status.HTTP_201_CREATED)


class IssueViewSet(ReadOnly):
    """Customer issues (K-22) raised on the visits you see; follow one up if it is yours or your team's."""

    queryset = CustomerIssue.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.CustomerIssueSerializer
    filterset_class = filters.IssueFilter
    ordering_fields = ["id", "due_at", "created_at"]
    ordering = ["due_at", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def scope(self, user):
        issues = CustomerIssue.objects.select_related("owner__team")
        return issues if user.is_admin else issues.filter(visit__in=Visit.objects.visible_to(user))

    @extend_schema(request=api.IssueFollowUpSerializer, responses=api.CustomerIssueSerializer,
                   parameters=[IDEMPOTENCY_KEY], summary="Move the issue forward (open → … → customer informed)")
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        issue = self.get_object()
        if not can_follow_up_issue(request.user, issue):
            raise PermissionDenied
        fields = self.validated(api.IssueFollowUpSerializer)
        try:
            issue = visits.services.issue_follow_up(issue=issue, by=request.user, key=idempotency_key(request),
                                                    **fields)
        except AlreadySaved:
            issue.refresh_from_db()
        return self.shown(issue)


class CareTaskViewSet(ReadOnly):
    """Care tasks (K-44): yours, and your team's for a supervisor."""

    queryset = CareTask.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.CareTaskSerializer
    filterset_class = filters.CareTaskFilter
    ordering_fields = ["id", "due_on", "created_at"]
    ordering = ["due_on", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def scope(self, user):
        return CareTask.objects.for_user(user).select_related("account", "contact", "owner__team")

    @extend_schema(request=api.CareTaskDoneSerializer, responses=api.CareTaskSerializer,
                   parameters=[IDEMPOTENCY_KEY], summary="Complete the task, with what happened")
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        task = self.get_object()
        if not can_work_on_task(request.user, task):
            raise PermissionDenied
        fields = self.validated(api.CareTaskDoneSerializer)
        try:
            task = care.services.care_task_done(task=task, by=request.user, key=idempotency_key(request), **fields)
        except AlreadySaved:
            task.refresh_from_db()
        return self.shown(task)


class TierViewSet(ReadOnly):
    """The tiers (K-30, K-31) accounts are placed in; an account shows its tier's id."""

    queryset = Tier.objects.none()  # the schema's model; requests get scope()
    serializer_class = api.TierSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "rank"]
    ordering = ["rank", "id"]

    def scope(self, user):
        return Tier.objects.all()


# --- Personal access tokens (the owner's page) ------------------------------------------------

MADE_TOKEN = "api_token_made"  # the session key holding a new token until its page is shown once


def token_list(request):
    """My API tokens: make one (shown once), see when each was last used, revoke."""
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row, token = services.access_token_create(user=request.user, **form.cleaned_data)
        except services.ValidationError as error:
            add_service_error(form, error)
        else:
            # Post/redirect/get: a reload does not make a second token, and the token is shown
            # by the next page only (popped from the session there).
            request.session[MADE_TOKEN] = token
            messages.success(request, _("Token “%(name)s” made. Copy it now: it is not shown again.")
                             % {"name": row.name})
            return redirect("api-tokens:list")
    made = request.session.pop(MADE_TOKEN, None) if request.method == "GET" else None
    return render(request, "api/tokens.html", {
        "form": form, "made": made, "tokens": AccessToken.objects.of(request.user), "title": _("API tokens"),
        "docs_url": reverse("api:docs"), "schema_url": request.build_absolute_uri(reverse("api:schema")),
        "api_url": request.build_absolute_uri(reverse("api:api-root")),
    }, status=400 if form.is_bound else 200)


def token_revoke(request, pk):
    token = get_object_or_404(AccessToken.objects.of(request.user), pk=pk, revoked_at__isnull=True)
    if request.method != "POST":
        return confirm_page(request, title=_("Revoke “%(name)s”?") % {"name": token.name},
                            message=_("Whatever uses this token is refused from now on. This cannot be undone; "
                                      "make a new token if it is needed again."),
                            label=_("Revoke"), cancel_url=reverse("api-tokens:list"))
    return run_service(request, services.access_token_revoke, token=token, by=request.user,
                       success=_("Token revoked."), redirect_to="api-tokens:list")

