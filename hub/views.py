from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Account
from contacts.models import Contact
from core.forms import add_service_error
from core.params import reads_query
from core.views import error_text, people_page, run_service, submit_form
from hub import merge, permissions, services
from hub import portfolio as portfolio_module
from hub.forms import (
    BulkForm,
    CommentForm,
    MentionQueryForm,
    MergeForm,
    PortfolioForm,
    PortfolioPeopleForm,
    PortfolioQueryForm,
    SavedViewForm,
    SavedViewsQueryForm,
    SearchForm,
    TimelineForm,
)
from hub.models import Comment, SavedView
from hub.savedviews import LISTS, clean_query, remember_defaults, view_url
from hub.search import search as search_for
from hub.timeline import account_in_scope, account_sources, contact_sources, kinds_of, timeline_page
from users.models import User


def _timeline(request, sources):
    values = TimelineForm(request.GET).values()
    page = timeline_page(sources, kinds=values["kind"], cursor=values["before"])
    return {"page": page, "entries": page.entries, "kinds": kinds_of(sources), "chosen": values["kind"],
            "filtered": bool(values["kind"]), "paged": values["before"] is not None}


@reads_query(TimelineForm)
def account_timeline(request, pk):
    account = account_in_scope(request.user, pk)
    if account is None:
        raise Http404
    context = _timeline(request, account_sources(account, request.user))
    context.update(account=account, subject=account, form=CommentForm(), comment_on="account",
                   comments=Comment.objects.on(account), can_attach=services.can_attach(request.user, account))
    return render(request, "hub/timeline.html", context)


@reads_query(TimelineForm)
def contact_timeline(request, pk):
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("account"), pk=pk)
    context = _timeline(request, contact_sources(contact))
    context.update(account=contact.account, subject=contact)
    return render(request, "hub/timeline.html", context)


def _target(request, on, pk):
    targets = permissions.visible_targets(request.user, on)
    if targets is None:
        raise Http404
    if on == "account":
        targets = targets.with_edit_flag(request.user)  # may they attach files: no query more
    return get_object_or_404(targets, pk=pk)


def comments(request, on, pk):
    """The thread on one thing, and the form to add to it."""
    target = _target(request, on, pk)
    account = services.account_of(target)
    posted = request.method == "POST"
    form = CommentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = Comment.objects.filter(account=account, pk=form.cleaned_data["reply_to"]).first()
        try:
            comment = services.comment_post(by=request.user, target=target, body=form.cleaned_data["body"],
                                            reply_to=reply_to, files=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            attached = len(form.cleaned_data["files"])
            messages.success(request, ngettext("Comment posted with %(n)s file.", "Comment posted with %(n)s files.",
                                               attached) % {"n": attached} if attached else _("Comment posted."))
            return redirect(comment)
    return render(request, "hub/comments.html", {
        "target": target, "on": on, "account": account, "form": form, "comments": Comment.objects.on(target),
        "can_attach": services.can_attach(request.user, target)})


@require_POST
def comment_delete(request, pk):
    comment = get_object_or_404(Comment.objects.filter(account__in=permissions.visible_targets(request.user,
                                                                                               "account")), pk=pk)
    back = comment.get_absolute_url().split("#")[0]
    return run_service(request, services.comment_delete, comment=comment, by=request.user,
                       success=_("Comment deleted."), redirect_to=back)


@reads_query(MentionQueryForm)
def mention_options(request, on, pk):
    """The colleagues who may see this thing, for the @ autocomplete: nobody else is offered."""
    target = _target(request, on, pk)
    text = MentionQueryForm(request.GET).values()["q"] or ""
    people = permissions.audience(services.account_of(target), on).exclude(pk=request.user.pk)
    if text:
        people = people.filter(Q(username__icontains=text) | Q(display_name__icontains=text)
                               | Q(first_name__icontains=text) | Q(last_name__icontains=text))
    found = people.order_by("username")[:8]
    return JsonResponse({"people": [{"username": p.username, "name": str(p)} for p in found]})


@reads_query(SearchForm)
def search(request):
    """The navigation's search (and the "/" key): what the user may find, grouped by kind."""
    form = SearchForm(request.GET)
    values = form.values()
    results = search_for(request.user, values["q"], kind=values["kind"] or None)
    return render(request, "hub/search.html", {"form": form, "results": results, "kind": values["kind"]})


# --- Duplicates and merging (issue 23 item 7) -------------------------------------------------

def duplicates(request):
    """The accounts the user may change whose names differ only in spaces, case, full-width forms
    or script, each pair a step away from being merged."""
    return render(request, "hub/duplicates.html", {"groups": merge.account_duplicates(request.user),
                                                   "merge_url": "hub:merge-accounts"})


def account_duplicates(request, pk):
    account = get_object_or_404(Account.objects.editable_by(request.user), pk=pk)
    return render(request, "hub/duplicates.html", {"groups": merge.contact_duplicates(account), "account": account,
                                                   "merge_url": "hub:merge-contacts"})


def _pair(request, queryset):
    values = MergeForm(request.GET).values()
    if not values["keep"] or not values["merge"]:
        raise Http404
    found = {row.pk: row for row in queryset.filter(pk__in=[values["keep"], values["merge"]])}
    if len(found) != 2:
        raise Http404
    return found[values["keep"]], found[values["merge"]]


@reads_query(MergeForm)
def merge_accounts(request):
    keep, duplicate = _pair(request, Account.objects.editable_by(request.user).select_related("owner"))
    if request.method == "POST":
        return run_service(request, merge.accounts_merge, survivor=keep, duplicate=duplicate, by=request.user,
                           success=_("%(duplicate)s merged into %(account)s.") % {"duplicate": duplicate,
                                                                                "account": keep},
                           redirect_to=keep, on_error="hub:duplicates")
    return render(request, "hub/merge_confirm.html", {
        "keep": keep, "duplicate": duplicate, "counts": merge_counts(Account, duplicate),
        "swap": f"?keep={duplicate.pk}&merge={keep.pk}"})


@reads_query(MergeForm)
def merge_contacts(request):
    contacts = Contact.objects.filter(account__in=Account.objects.editable_by(request.user),
                                      archived_at__isnull=True).select_related("account")
    keep, duplicate = _pair(request, contacts)
    if keep.account_id != duplicate.account_id:
        raise Http404
    if request.method == "POST":
        return run_service(request, merge.contacts_merge, survivor=keep, duplicate=duplicate, by=request.user,
                           success=_("%(duplicate)s merged into %(account)s.") % {"duplicate": duplicate,
                                                                                "account": keep},
                           redirect_to=keep, on_error=keep)
    return render(request, "hub/merge_confirm.html", {
        "keep": keep, "duplicate": duplicate, "counts": merge_counts(Contact, duplicate),
        "swap": f"?keep={duplicate.pk}&merge={keep.pk}"})


def merge_counts(model, duplicate):
    """What moves, by kind, for the confirmation: the non-empty relations only."""
    counts = []
    for related, name in merge._relations(model):
        if related._meta.auto_created:
            n = related._base_manager.filter(**{name: duplicate}).count()
            label = related._meta.get_field(
                next(f.name for f in related._meta.fields if f.is_relation and f.name != name)).related_model._meta
            label = label.verbose_name_plural
        else:
            n = related._base_manager.filter(**{name: duplicate}).count()
            label = related._meta.verbose_name_plural
        if n:
            counts.append((label, n))
    return counts


# --- Saved views (issue 23 item 5) --------------------------------------------------------------

@reads_query(SavedViewsQueryForm)
def saved_views(request):
    """A list's saved views (the user's and their team's shared ones) and the form to save the
    filters shown now; loaded into the list's menu by htmx, or a page of its own without JS."""
    values = SavedViewsQueryForm(request.GET).values()
    list_name = values["list"] or "accounts:list"
    query = clean_query(values["query"])
    views = [(view, view_url(view)) for view in SavedView.objects.usable_by(request.user, list_name)]
    form = SavedViewForm(initial={"list_name": list_name, "query": query})
    template = "hub/_saved_views.html" if request.htmx else "hub/saved_views.html"
    return render(request, template, {"views": views, "form": form, "list_name": list_name,
                                      "list_label": LISTS[list_name], "query": query,
                                      "list_url": reverse(list_name)})


@require_POST
def saved_view_save(request):
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(_list_back(request.POST.get("list_name"), request.POST.get("query")))
    data = form.cleaned_data
    try:
        view = services.saved_view_save(by=request.user, **data)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_list_back(data["list_name"], data["query"]))
    remember_defaults(request, request.user)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(view_url(view))


def _list_back(list_name, query):
    name = list_name if list_name in LISTS else "accounts:list"
    return f"{reverse(name)}?{clean_query(query) or 'view=all'}"


def _own_view(request, pk):
    return get_object_or_404(SavedView.objects.filter(owner=request.user), pk=pk)


@require_POST
def saved_view_default(request, pk):
    view = _own_view(request, pk)
    services.saved_view_make_default(view=view, by=request.user, default=not view.is_default)
    remember_defaults(request, request.user)
    messages.success(request, _("Default view changed."))
    return redirect(view_url(view))


@require_POST
def saved_view_delete(request, pk):
    view = _own_view(request, pk)
    services.saved_view_delete(view=view, by=request.user)
    remember_defaults(request, request.user)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(f"{reverse(view.list_name)}?view=all")


# --- Portfolio handover and bulk actions (issue 23 item 6, K-05) --------------------------------

@reads_query(PortfolioQueryForm)
def portfolio(request):
    """Choose whose accounts, which of them (all or some), and to whom."""
    givers = portfolio_module.giving_people(request.user).select_related("team")
    asked = PortfolioQueryForm(request.GET).values()["giver"] or request.user.pk
    giver = givers.filter(pk=asked).first()
    if giver is None:
        raise Http404
    accounts = portfolio_module.portfolio_of(giver)
    form = PortfolioForm(request.POST or None, accounts=accounts, people=_receivers(giver),
                         people_url=f"{reverse('hub:portfolio-people')}?giver={giver.pk}")
    done = submit_form(request, form, lambda data: portfolio_module.portfolio_hand_over(
        by=request.user, from_owner=giver, **data), success=_portfolio_message,
        redirect_to=lambda result: reverse("accounts:handovers") if result[1] else reverse("accounts:list"))
    if done:
        return done
    return render(request, "hub/portfolio.html", {"form": form, "givers": givers, "giver": giver,
                                                  "accounts": form["accounts"]})


def _receivers(giver):
    """Whom a portfolio may go to: any member of staff but its giver."""
    return User.objects.staff().exclude(pk=giver.pk).select_related("team").order_by("team__name", "username")


@reads_query(PortfolioPeopleForm)
def portfolio_people(request):
    """htmx: the people a portfolio may go to whose name holds `q`, a page at a time, for those who
    may hand over `?giver=`'s portfolio (issue 19)."""
    chosen = PortfolioPeopleForm(request.GET).values()
    giver = portfolio_module.giving_people(request.user).filter(pk=chosen["giver"]).first() if chosen["giver"] else None
    if giver is None:
        raise Http404
    return people_page(request, _receivers(giver), q=chosen["q"], page=chosen["page"],
                       url_name="hub:portfolio-people")


def _portfolio_message(result):
    moved, requested = result
    parts = []
    if moved:
        parts.append(ngettext("%(n)s account handed over.", "%(n)s accounts handed over.", len(moved))
                     % {"n": len(moved)})
    if requested:
        parts.append(ngettext("%(n)s handover waits for the receiving supervisor.",
                              "%(n)s handovers wait for the receiving supervisor.", len(requested))
                     % {"n": len(requested)})
    return " ".join(parts)


@require_POST
def accounts_bulk(request):
    """The list's chosen accounts and one action: a step to fill in and confirm, then done."""
    from accounts.selectors import assignable_people
    from tiering.models import Tier

    people_url = reverse("accounts:people-options") if request.user.is_admin else None
    form = BulkForm(request.POST, accounts=Account.objects.visible_to(request.user).select_related("owner__team"),
                    people=assignable_people(request.user), tiers=Tier.objects.all(), people_url=people_url)
    back = request.POST.get("next", "")
    back = back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/") else (
        reverse("accounts:list"))
    if not form.is_valid() and ("account" in form.errors or "action" in form.errors):
        messages.error(request, error_text(form))
        return redirect(back)

    def page(chosen):
        label = dict(form.fields["action"].choices)[form.cleaned_data["action"]]
        return render(request, "hub/bulk.html", {"form": form, "back": back, "chosen": chosen, "title": label})

    if not form.is_valid():
        return page(form.cleaned_data["account"])
    data = form.cleaned_data
    if not data["confirm"]:
        form = BulkForm(initial={**data, "confirm": True}, accounts=form.fields["account"].queryset,
                        people=form.fields["member"].queryset, tiers=form.fields["tier"].queryset,
                        people_url=people_url)
        form.cleaned_data = data
        return page(data["account"])
    try:
        done, refused = portfolio_module.accounts_bulk(by=request.user, accounts=list(data["account"]),
                                                       action=data["action"], member=data["member"],
                                                       tier=data["tier"], reason=data["reason"])
    except ValidationError as error:
        add_service_error(form, error)
        return page(data["account"])
    text = ngettext("%(n)s account done.", "%(n)s accounts done.", done) % {"n": done}
    if refused:
        text += " " + ngettext("%(n)s left alone: not yours to change.", "%(n)s left alone: not yours to change.",
                               refused) % {"n": refused}
    messages.success(request, text)
    return redirect(back)
