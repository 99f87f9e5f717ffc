from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit import permissions
from audit.forms import AuditFilter
from audit.models import AuditEntry
from core.pagination import CappedPaginator
from core.params import reads_query

PAGE_SIZE = 50


@reads_query(AuditFilter)
def entry_list(request):
    """Every sign-in, export and role change, newest first (admins only: 404 for anyone else)."""
    if not permissions.can_read_audit_log(request.user):
        raise Http404
    form = AuditFilter(request.GET or None)
    entries = form.filter(AuditEntry.objects.select_related("actor"))
    page = CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {
        "form": form, "page_obj": page, "entries": page.object_list, "title": _("Audit log"),
        "filtered": form.is_bound, "retention_days": settings.AUDIT_RETENTION_DAYS,
    })
