from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.selectors import history_page
from contacts import exports, permissions, services
from contacts.dangers import account_dangers, with_danger_score
from contacts.filters import ContactFilter
from contacts.forms import (
    BuyerRoleForm,
    ContactForm,
    DecisionStepForm,
    LeftForm,
    RelationshipForm,
    RolePlanReviewForm,
    SelfQuestionReviewForm,
)
from contacts.models import BuyerRole, Contact, DecisionStep, Relationship, SelfQuestionReview
from core.collation import name_order
from core.exports import list_export
from core.forms import CREATE_KEY
from core.idempotency import AlreadySaved
from core.pagination import paginator_for
from core.params import filter_list, reads_query
from core.views import already_saved, confirm_page, form_page, run_service, submit_form


def _account(request, pk, *, edit=False):
    """404 outside the user's scope; 403 for an account they see but whose contacts they may not change."""
    account = get_object_or_404(Account.objects.visible_to(request.user).with_edit_flag(request.user), pk=pk)
    if edit and not permissions.can_edit_contacts(request.user, account):
        raise PermissionDenied
    return account


def _contact(request, pk, *, edit=False):
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("account", "reports_to"),
                                pk=pk)
    if edit and not permissions.can_edit_contact(request.user, contact):
        raise PermissionDenied
    return contact


def _form_page(request, form, *, title, cancel_url, account=None, intro=""):
    return form_page(request, form, title=title, cancel_url=cancel_url, template="contacts/form_page.html",
                     account=account, intro=intro)


@reads_query(ContactFilter)
def contact_list(request):
    # By name in the reader's order (pinyin, strokes), index-backed (core/collation.py).
    contacts = (Contact.objects.visible_to(request.user).select_related("account").with_roles()
                .order_by(*name_order()))
    filters = filter_list(request, ContactFilter, contacts)
    contacts, chosen = filters.qs, filters.form.cleaned_data
    if export := list_export(request, contacts, exports.CONTACTS, filename="contacts"):
        return export
    page = paginator_for(request, contacts, 25).get_page(request.GET.get("page"))
    return render(request, "contacts/contact_list.html", {
        "page_obj": page, "contacts": page.object_list, "q": chosen.get("q", ""), "role": chosen.get("role", ""),
        "status": chosen.get("status", ""),
        "roles": BuyerRole.Role.choices, "statuses": Contact.Status.choices,
    })


def contact_create(request, account_pk):
    account = _account(request, account_pk, edit=True)
    form = ContactForm(request.POST or None, account=account)
    try:
        saved = submit_form(request, form, lambda data: services.contact_create(
            account=account, by=request.user, key=data.pop(CREATE_KEY), **data),
            success=_("Contact added."), redirect_to=lambda contact: contact)
    except AlreadySaved as done:
        return already_saved(request, done, fallback=account)
    if saved:
        return saved
    return _form_page(request, form, title=_("New contact at %(account)s") % {"account": account},
                      cancel_url=account.get_absolute_url(), account=account)


def contact_detail(request, pk):
    contact = _contact(request, pk)
    context = {
        "contact": contact,
        "account": contact.account,
        "roles": contact.roles.select_related("counterpart"),
        "relationships_from": contact.relationships_from.select_related("to_contact"),
        "relationships_to": contact.relationships_to.select_related("from_contact"),
        "changes": contact.changes.select_related("recorded_by")[:10],
        "reports": contact.reports.filter(archived_at__isnull=True),
        "can_edit": permissions.can_edit_contact(request.user, contact),
    }
    return render(request, "contacts/contact_detail.html", context)


def contact_history(request, pk):
    contact = _contact(request, pk)
    records = contact.history.select_related("history_user").order_by("-history_date", "-history_id")
    page, changes = history_page(records, request.GET.get("page"))
    return render(request, "accounts/account_history.html",
                  {"account": contact.account, "subject": contact, "page_obj": page, "changes": changes})


def contact_edit(request, pk):
    contact = _contact(request, pk, edit=True)
    form = ContactForm(request.POST or None, instance=contact, account=contact.account)
    if saved := submit_form(request, form, lambda data: services.contact_update(contact=contact, by=request.user,
                                                                                 **data),
                            success=_("Contact saved."), redirect_to=contact):
        return saved
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": contact},
                      cancel_url=contact.get_absolute_url(), account=contact.account)


def contact_left(request, pk):
    contact = _contact(request, pk, edit=True)
    form = LeftForm(request.POST or None)
    if saved := submit_form(
            request, form, lambda data: services.contact_mark_left(contact=contact, by=request.user, **data),
            success=_("%(name)s marked as left; their roles are open until someone new holds them.")
            % {"name": contact}, redirect_to=contact):
        return saved
    return _form_page(request, form, title=_("%(name)s has left %(account)s") % {
        "name": contact, "account": contact.account}, cancel_url=contact.get_absolute_url(), account=contact.account,
        intro=_("The contact stays on file. Their buyer roles become open and the account is flagged."))


def contact_archive(request, pk):
    contact = _contact(request, pk, edit=True)
    if request.method == "POST":
        return run_service(request, services.contact_archive, contact=contact, by=request.user,
                           success=_("Contact archived."), redirect_to=contact.account, on_error=contact)
    return confirm_page(request, title=_("Archive %(name)s?") % {"name": contact},
                        message=_("The contact disappears from the account and the org chart. Their history is kept."),
                        label=_("Archive"), cancel_url=contact.get_absolute_url())


def role_add(request, contact_pk):
    contact = _contact(request, contact_pk, edit=True)
    return _role_form(request, contact, BuyerRole(contact=contact, account=contact.account))


def role_edit(request, pk):
    role = get_object_or_404(BuyerRole.objects.select_related("contact__account"), pk=pk)
    contact = _contact(request, role.contact_id, edit=True)
    return _role_form(request, contact, role)


def _role_form(request, contact, role):
    form = BuyerRoleForm(request.POST or None, instance=role, user=request.user)
    if saved := submit_form(request, form, lambda data: services.buyer_role_save(role=form.instance, by=request.user),
                            success=_("Role saved."), redirect_to=contact):
        return saved
    return _form_page(request, form, title=_("Buyer role of %(name)s") % {"name": contact},
                      cancel_url=contact.get_absolute_url(), account=contact.account)


def role_reviews(request, pk):
    """K-14: a role's service plan, its reviews, and (for the account team) a form to record one."""
    role = get_object_or_404(BuyerRole.objects.select_related("contact"), pk=pk)
    contact = _contact(request, role.contact_id)
    can_edit = permissions.can_edit_contact(request.user, contact)
    form = RolePlanReviewForm(request.POST or None)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    if saved := submit_form(request, form, lambda data: services.role_plan_review_record(
            role=role, by=request.user, **data), success=_("Review recorded."),
            redirect_to=reverse("contacts:role-reviews", args=[role.pk])):
        return saved
    reviews = Paginator(role.plan_reviews.select_related("reviewed_by"), 10).get_page(request.GET.get("page"))
    return render(request, "contacts/role_reviews.html", {
        "role": role, "contact": contact, "account": contact.account, "form": form, "can_edit": can_edit,
        "page_obj": reviews, "reviews": reviews.object_list,
    })


def role_delete(request, pk):
    role = get_object_or_404(BuyerRole.objects.select_related("contact"), pk=pk)
    contact = _contact(request, role.contact_id, edit=True)
    if request.method == "POST":
        return run_service(request, services.buyer_role_remove, role=role, by=request.user,
                           success=_("Role removed."), redirect_to=contact)
    return confirm_page(request, title=_("Remove this role?"),
                        message=_("%(name)s will no longer be recorded as %(role)s.")
                        % {"name": contact, "role": role.get_role_display()},
                        label=_("Remove"), cancel_url=contact.get_absolute_url())


def relationship_add(request, contact_pk):
    contact = _contact(request, contact_pk, edit=True)
    form = RelationshipForm(request.POST or None, contact=contact)
    if saved := submit_form(request, form, lambda data: services.relationship_add(from_contact=contact,
                                                                                   by=request.user, **data),
                            success=_("Relationship recorded."), redirect_to=contact):
        return saved
    return _form_page(request, form, title=_("Relationship of %(name)s") % {"name": contact},
                      cancel_url=contact.get_absolute_url(), account=contact.account)


@require_POST
def relationship_delete(request, pk):
    relationship = get_object_or_404(Relationship, pk=pk)
    contact = _contact(request, relationship.from_contact_id, edit=True)
    return run_service(request, services.relationship_remove, relationship=relationship, by=request.user,
                       success=_("Relationship removed."), redirect_to=contact)


def org_chart(request, account_pk):
    account = _account(request, account_pk)
    contacts = list(
        Contact.objects.filter(account=account, archived_at__isnull=True)
        .prefetch_related(Prefetch("roles", queryset=BuyerRole.objects.order_by("role")))
        .prefetch_related(Prefetch("relationships_from", queryset=Relationship.objects.select_related("to_contact")))
        .order_by(*name_order())
    )
    steps = DecisionStep.objects.filter(account=account).select_related("responsible")
    return render(request, "contacts/org_chart.html", {
        "account": account, "tree": services.org_chart(contacts), "steps": steps,
        "roles": BuyerRole.Role.choices,
        "can_edit": permissions.can_edit_contacts(request.user, account),
    })


def decision_step_add(request, account_pk):
    account = _account(request, account_pk, edit=True)
    next_position = (account.decision_steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return _step_form(request, account, DecisionStep(account=account, position=next_position))


def decision_step_edit(request, pk):
    step = get_object_or_404(DecisionStep, pk=pk)
    account = _account(request, step.account_id, edit=True)
    return _step_form(request, account, step)


def _step_form(request, account, step):
    form = DecisionStepForm(request.POST or None, instance=step, account=account)
    if saved := submit_form(request, form,
                            lambda data: services.decision_step_save(step=form.instance, by=request.user),
                            success=_("Decision step saved."),
                            redirect_to=reverse("contacts:org-chart", args=[account.pk])):
        return saved
    return _form_page(request, form, title=_("Decision-process step"),
                      cancel_url=reverse("contacts:org-chart", args=[account.pk]), account=account)


@require_POST
def decision_step_delete(request, pk):
    step = get_object_or_404(DecisionStep, pk=pk)
    account = _account(request, step.account_id, edit=True)
    return run_service(request, services.decision_step_remove, step=step, by=request.user,
                       success=_("Decision step removed."),
                       redirect_to=reverse("contacts:org-chart", args=[account.pk]))


def self_questions(request, account_pk):
    account = _account(request, account_pk)
    can_edit = permissions.can_edit_contacts(request.user, account)
    form = SelfQuestionReviewForm(request.POST or None)
    if can_edit and (saved := submit_form(
            request, form, lambda data: services.self_question_review_create(account=account, by=request.user, **data),
            success=_("Review recorded."), redirect_to=reverse("contacts:self-questions", args=[account.pk]))):
        return saved
    reviews = Paginator(SelfQuestionReview.objects.filter(account=account).select_related("reviewed_by"), 10)
    page = reviews.get_page(request.GET.get("page"))
    return render(request, "contacts/self_questions.html", {
        "account": account, "form": form, "page_obj": page, "reviews": page.object_list, "can_edit": can_edit,
    })


def danger_map(request):
    """My portfolio ranked by danger (K-13): worst first, one query for the ranking."""
    accounts = with_danger_score(
        Account.objects.visible_to(request.user).active().exclude(status=Account.Status.PROSPECT)
        .select_related("owner")
    )
    if request.user.is_admin:
        # Every account: ranked by the read model's (score, name) index, a page read from it alone
        # (every account has its row, so the inner join leaves none out; the order is the same).
        accounts = accounts.filter(danger__isnull=False).order_by("-danger__score", "danger__name", "pk")
    else:
        accounts = accounts.order_by("-danger_score", "name", "pk")
    holders = Prefetch("buyer_roles", queryset=BuyerRole.objects.select_related("contact"))
    if export := list_export(request, accounts.prefetch_related(holders), exports.DANGERS, filename="danger-map"):
        return export
    page = Paginator(accounts, 20).get_page(request.GET.get("page"))
    roles = defaultdict(list)
    for role in BuyerRole.objects.filter(account__in=[a.pk for a in page.object_list]).select_related("contact"):
        roles[role.account_id].append(role)
    rows = [(account, account_dangers(roles[account.pk])) for account in page.object_list]
    return render(request, "contacts/danger_map.html", {"page_obj": page, "rows": rows})
