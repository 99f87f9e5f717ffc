from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts.models import Contact
from core.forms import add_service_error
from core.params import reads_query
from core.views import run_service
from hub import permissions, services
from hub.forms import CommentForm, MentionQueryForm, TimelineForm
from hub.models import Comment
from hub.timeline import account_in_scope, account_sources, contact_sources, kinds_of, timeline_page


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
                   comments=Comment.objects.on(account))
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
    return get_object_or_404(targets, pk=pk)


def comments(request, on, pk):
    """The thread on one thing, and the form to add to it."""
    target = _target(request, on, pk)
    account = services.account_of(target)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = Comment.objects.filter(account=account, pk=form.cleaned_data["reply_to"]).first()
        try:
            comment = services.comment_post(by=request.user, target=target, body=form.cleaned_data["body"],
                                            reply_to=reply_to)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Comment posted."))
            return redirect(comment)
    return render(request, "hub/comments.html", {
        "target": target, "on": on, "account": account, "form": form, "comments": Comment.objects.on(target)})


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
