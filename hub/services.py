"""The writes of the account 360 (issue 23): comments with mentions, saved views."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from attachments import registry as attachment_owners
from attachments.services import attachment_add
from hub import permissions
from hub.models import Comment, SavedView
from hub.savedviews import LISTS, clean_query
from notifications.models import Kind
from notifications.services import notify

# @username, as Django allows usernames (letters, digits and @.+-_), not inside an e-mail address.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def mentioned_usernames(body):
    return {name.rstrip(".") for name in MENTION.findall(body or "")}


def _on(target):
    return next(on for on, model in permissions.TARGETS.items() if isinstance(target, model))


def can_attach(user, target):
    """Whether a comment on `target` may bring files: it takes them (attachments.registry; an
    issue does not, its visit does) and `user` may add them there."""
    try:
        owner = attachment_owners.owner_of_model(type(target))
    except LookupError:
        return False
    return owner.can_change(user, target)


@transaction.atomic
def comment_post(*, by, target, body, reply_to=None, files=()):
    """A comment on an account, visit, issue or plan the caller sees (the view scoped it). Each
    @mention must name a colleague who sees it too; they are told through the notification centre
    (in the app, and by e-mail or chat as they chose), once per comment. A reply tells the author
    of the comment it answers. `files` are attached to `target` with the comment, or neither is
    kept."""
    if not permissions.can_comment(by, target):
        raise PermissionDenied
    on = _on(target)
    account = target if on == "account" else target.account
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > Comment.MAX_LENGTH:
        raise ValidationError({"body": _("Keep a comment under %(n)s characters.") % {"n": Comment.MAX_LENGTH}})
    names = mentioned_usernames(body)
    audience = permissions.audience(account, on)
    people = list(audience.filter(username__in=names)) if names else []
    unknown = names - {p.username for p in people}
    if unknown:
        raise ValidationError({"body": _("Only colleagues who may see this can be mentioned; not: %(names)s.")
                               % {"names": ", ".join(f"@{n}" for n in sorted(unknown))}})
    if reply_to is not None and (reply_to.account_id != account.pk or reply_to.on != on
                                 or reply_to.target_id != target.pk):
        raise ValidationError({"body": _("That comment belongs to another thread.")})
    comment = Comment(account=account, author=by, body=body, reply_to=reply_to,
                      **({on: target} if on != "account" else {}))
    comment.full_clean()
    comment.save()
    comment.mentioned.set(people)
    if files:
        _attach(by, target, files)
    told = [p for p in people if p.pk != by.pk]
    params = {"by": str(by), "on": str(account)}
    notify(recipients=told, kind=Kind.MENTION, key="comment.mention", params=params,
           dedupe_key=f"comment:{comment.pk}:mention", link=comment.get_absolute_url())
    if reply_to is not None and reply_to.author_id not in {by.pk, *(p.pk for p in told)} and (
            audience.filter(pk=reply_to.author_id).exists()):
        notify(recipients=[reply_to.author], kind=Kind.MENTION, key="comment.reply", params=params,
               dedupe_key=f"comment:{comment.pk}:reply", link=comment.get_absolute_url())
    return comment


def _attach(by, target, files):
    if not can_attach(by, target):
        raise ValidationError(_("You cannot add files here."))  # no field offered it: a form-wide error
    for upload in files:
        try:
            attachment_add(record=target, by=by, upload=upload)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error


@transaction.atomic
def comment_delete(*, comment, by):
    """The author takes back their own comment (an admin any); a thread keeps its replies."""
    if comment.author_id != by.pk and not by.is_admin:
        raise PermissionDenied(_("Only the author deletes a comment."))
    comment.delete()


# --- Saved views -------------------------------------------------------------------------------

@transaction.atomic
def saved_view_save(*, by, list_name, name, query, shared=False, is_default=False):
    """Save (or replace, by name) the list's filters. `query` is the list's query string without
    its page: a saved view opens at the first page."""
    if list_name not in LISTS:
        raise ValidationError({"list_name": _("This list cannot be saved.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the view.")})
    if shared and not by.team_id:
        raise ValidationError({"shared": _("You are in no team to share it with.")})
    if is_default:
        SavedView.objects.filter(owner=by, list_name=list_name, is_default=True).exclude(name=name).update(
            is_default=False)
    view, _created = SavedView.objects.update_or_create(
        owner=by, list_name=list_name, name=name,
        defaults={"query": clean_query(query), "shared": shared, "is_default": is_default})
    return view


@transaction.atomic
def saved_view_make_default(*, view, by, default=True):
    if view.owner_id != by.pk:
        raise PermissionDenied
    SavedView.objects.filter(owner=by, list_name=view.list_name, is_default=True).update(is_default=False)
    if default:
        SavedView.objects.filter(pk=view.pk).update(is_default=True)
    return view


@transaction.atomic
def saved_view_delete(*, view, by):
    if view.owner_id != by.pk:
        raise PermissionDenied(_("Only its owner deletes a saved view."))
    view.delete()


def account_of(target):
    return target if isinstance(target, Account) else target.account
