from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.selectors import history_page
from contacts import exports, services
from contacts.dangers import account_dangers, with_danger_score
from contacts.filters import ContactFilter
from contacts.forms import (
    BuyerRoleForm,
    ContactForm,
    DecisionStepForm,
    LeftForm,
    RelationshipForm,
    SelfQuestionReviewForm,
)
from contacts.models import BuyerRole, Contact, DecisionStep, Relationship, SelfQuestionReview
from core.exports import list_export
from core.forms import CREATE_KEY, add_service_error
from core.idempotency import AlreadySaved
from core.params import filter_list, reads_query
from core.views import already_saved


def _account(request, pk, *, edit=False):
    accounts = Account.objects.editable_by(request.user) if edit else Account.objects.visible_to(request.user)
    return get_object_or_404(accounts, pk=pk)


def _contact(request, pk, *, edit=False):
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("account", "reports_to"),
                                pk=pk)
    if edit:
        _account(request, contact.account_id, edit=True)
    return contact


def _save(form, request, action, success):
    """Run a service on a valid form; a rule it breaks shows at the field, nothing typed is lost."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return None
    messages.success(request, success)
    return result


def _form_page(request, form, *, title, cancel_url, account=None, intro=""):
    return render(request, "contacts/form_page.html",
                  {"form": form, "title": title, "cancel_url": cancel_url, "account": account, "intro": intro})


@reads_query(ContactFilter)
def contact_list(request):
    contacts = Contact.objects.visible_to(request.user).select_related("account").with_roles().order_by("name", "pk")
    filters = filter_list(request, ContactFilter, contacts)
    contacts, chosen = filters.qs, filters.form.cleaned_data
    if export := list_export(request, contacts, exports.CONTACTS, filename="contacts"):
        return export
    page = Paginator(contacts, 25).get_page(request.GET.get("page"))
    return render(request, "contacts/contact_list.html", {
        "page_obj": page, "contacts": page.object_list, "q": chosen.get("q", ""), "role": chosen.get("role", ""),
        "status": chosen.get("status", ""),
        "roles": BuyerRole.Role.choices, "statuses": Contact.Status.choices,
    })


def contact_create(request, account_pk):
    account = _account(request, account_pk, edit=True)
    form = ContactForm(request.POST or None, account=account)
    try:
        contact = _save(form, request, lambda data: services.contact_create(
            account=account, by=request.user, key=data.pop(CREATE_KEY), **data), _("Contact added."))
    except AlreadySaved as done:
        return already_saved(request, done, fallback=account)
    if contact:
        return redirect(contact)
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
        "can_edit": Account.objects.editable_by(request.user).filter(pk=contact.account_id).exists(),
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
    if _save(form, request, lambda data: services.contact_update(contact=contact, by=request.user, **data),
             _("Contact saved.")):
        return redirect(contact)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": contact},
                      cancel_url=contact.get_absolute_url(), account=contact.account)


def contact_left(request, pk):
    contact = _contact(request, pk, edit=True)
    form = LeftForm(request.POST or None)
    if _save(form, request, lambda data: services.contact_mark_left(contact=contact, by=request.user, **data),
             _("%(name)s marked as left; their roles are open until someone new holds them.") % {"name": contact}):
        return redirect(contact)
    return _form_page(request, form, title=_("%(name)s has left %(account)s") % {
        "name": contact, "account": contact.account}, cancel_url=contact.get_absolute_url(), account=contact.account,
        intro=_("The contact stays on file. Their buyer roles become open and the account is flagged."))


def contact_archive(request, pk):
    contact = _contact(request, pk, edit=True)
    if request.method == "POST":
        services.contact_archive(contact=contact, by=request.user)
        messages.success(request, _("Contact archived."))
        return redirect(contact.account)
    return render(request, "partials/confirm.html", {
        "title": _("Archive %(name)s?") % {"name": contact},
        "message": _("The contact disappears from the account and the org chart. Their history is kept."),
        "confirm_label": _("Archive"), "cancel_url": contact.get_absolute_url(),
    })


def role_add(request, contact_pk):
    contact = _contact(request, contact_pk, edit=True)
    return _role_form(request, contact, BuyerRole(contact=contact, account=contact.account))


def role_edit(request, pk):
    role = get_object_or_404(BuyerRole.objects.select_related("contact__account"), pk=pk)
    contact = _contact(request, role.contact_id, edit=True)
    return _role_form(request, contact, role)


def _role_form(request, contact, role):
    form = BuyerRoleForm(request.POST or None, instance=role, user=request.user)
    if _save(form, request, lambda data: services.buyer_role_save(role=form.instance, by=request.user),
             _("Role saved.")):
        return redirect(contact)
    return _form_page(request, form, title=_("Buyer role of %(name)s") % {"name": contact},
                      cancel_url=contact.get_absolute_url(), account=contact.account)


def role_delete(request, pk):
    role = get_object_or_404(BuyerRole.objects.select_related("contact"), pk=pk)
    contact = _contact(request, role.contact_id, edit=True)
    if request.method == "POST":
        services.buyer_role_remove(role=role, by=request.user)
        messages.success(request, _("Role removed."))
        return redirect(contact)
    return render(request, "partials/confirm.html", {
        "title": _("Remove this role?"),
        "message": _("%(name)s will no longer be recorded as %(role)s.") % {
            "name": contact, "role": role.get_role_display()},
        "confirm_label": _("Remove"), "cancel_url": contact.get_absolute_url(),
    })


def relationship_add(request, contact_pk):
    contact = _contact(request, contact_pk, edit=True)
    form = RelationshipForm(request.POST or None, contact=contact)
    if _save(form, request, lambda data: services.relationship_add(from_contact=contact, by=request.user, **data),
             _("Relationship recorded.")):
        return redirect(contact)
    return _form_page(request, form, title=_("Relationship of %(name)s") % {"name": contact},
                      cancel_url=contact.get_absolute_url(), account=contact.account)


@require_POST
def relationship_delete(request, pk):
    relationship = get_object_or_404(Relationship, pk=pk)
    contact = _contact(request, relationship.from_contact_id, edit=True)
    relationship.delete()
    messages.success(request, _("Relationship removed."))
    return redirect(contact)


def org_chart(request, account_pk):
    account = _account(request, account_pk)
    contacts = list(
        Contact.objects.filter(account=account, archived_at__isnull=True)
        .prefetch_related(Prefetch("roles", queryset=BuyerRole.objects.order_by("role")))
        .prefetch_related(Prefetch("relationships_from", queryset=Relationship.objects.select_related("to_contact")))
        .order_by("name")
    )
    steps = DecisionStep.objects.filter(account=account).select_related("responsible")
    return render(request, "contacts/org_chart.html", {
        "account": account, "tree": services.org_chart(contacts), "steps": steps,
        "roles": BuyerRole.Role.choices,
        "can_edit": Account.objects.editable_by(request.user).filter(pk=account.pk).exists(),
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
    if _save(form, request, lambda data: services.decision_step_save(step=form.instance, by=request.user),
             _("Decision step saved.")):
        return redirect("contacts:org-chart", account.pk)
    return _form_page(request, form, title=_("Decision-process step"),
                      cancel_url=reverse("contacts:org-chart", args=[account.pk]), account=account)


@require_POST
def decision_step_delete(request, pk):
    step = get_object_or_404(DecisionStep, pk=pk)
    account = _account(request, step.account_id, edit=True)
    step.delete()
    messages.success(request, _("Decision step removed."))
    return redirect("contacts:org-chart", account.pk)


def self_questions(request, account_pk):
    account = _account(request, account_pk)
    can_edit = Account.objects.editable_by(request.user).filter(pk=account.pk).exists()
    form = SelfQuestionReviewForm(request.POST or None)
    if can_edit and _save(form, request, lambda data: services.self_question_review_create(
            account=account, by=request.user, **data), _("Review recorded.")):
        return redirect("contacts:self-questions", account.pk)
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
    ).order_by("-danger_score", "name", "pk")
    holders = Prefetch("buyer_roles", queryset=BuyerRole.objects.select_related("contact"))
    if export := list_export(request, accounts.prefetch_related(holders), exports.DANGERS, filename="danger-map"):
        return export
    page = Paginator(accounts, 20).get_page(request.GET.get("page"))
    roles = defaultdict(list)
    for role in BuyerRole.objects.filter(account__in=[a.pk for a in page.object_list]).select_related("contact"):
        roles[role.account_id].append(role)
    rows = [(account, account_dangers(roles[account.pk])) for account in page.object_list]
    return render(request, "contacts/danger_map.html", {"page_obj": page, "rows": rows})
