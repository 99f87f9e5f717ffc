from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from core.forms import add_service_error
from core.views import confirm_page, run_service
from imports import services
from imports.blanks import template_response
from imports.forms import EncodingForm, MappingForm, UploadForm
from imports.kinds import IMPORTERS
from imports.models import ImportJob, ImportRow

ROWS_PER_PAGE = 100


def _job(request, pk):
    return get_object_or_404(ImportJob.objects.visible_to(request.user).defer("data"), pk=pk)


def import_list(request):
    # ?kind= preselects what the file holds: another app's page sends its users here.
    kind = request.GET.get("kind")
    form = UploadForm(request.POST or None, request.FILES or None,
                      initial={"kind": kind} if kind in ImportJob.Kind.values else None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            job = services.import_upload(by=request.user, kind=data["kind"], upload=data["file"],
                                         encoding=data["encoding"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(job)
    jobs = ImportJob.objects.visible_to(request.user).defer("data")
    return render(request, "imports/list.html", {
        "form": form, "page_obj": Paginator(jobs, 20).get_page(request.GET.get("page")),
        "kinds": ImportJob.Kind.choices, "languages": settings.LANGUAGES,
    }, status=400 if form.errors else 200)


def import_detail(request, pk):
    job = _job(request, pk)
    context = {"job": job}
    if job.status == ImportJob.Status.MAPPING:
        context.update(_mapping_context(job, MappingForm(job=job)))
    elif job.status in (ImportJob.Status.CHECKED, ImportJob.Status.APPLIED, ImportJob.Status.FAILED):
        context.update(_rows_context(request, job))
    return render(request, "imports/detail.html", context)


def _mapping_context(job, form):
    # The preview reads the deferred file: only on this step.
    chosen = {key: form.data.get(key) for key in form.fields} if form.is_bound else None
    return {"job": job, "form": form, "encoding_form": EncodingForm(initial={"encoding": job.encoding}),
            "preview": services.preview(job), "columns": IMPORTERS[job.kind].columns,
            "not_imported": services.not_imported(job, chosen)}


def _rows_context(request, job):
    outcome = request.GET.get("outcome")
    if outcome not in ImportRow.Outcome.values:
        outcome = ImportRow.Outcome.ERROR if job.error_count else ""
    rows = job.rows.filter(outcome=outcome) if outcome else job.rows.all()
    return {"outcome": outcome, "outcomes": ImportRow.Outcome.choices,
            "page_obj": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))}


@require_POST
def import_mapping(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk, status=ImportJob.Status.MAPPING)
    form = MappingForm(request.POST, job=job)
    if form.is_valid():
        try:
            services.import_map(job=job, by=request.user, mapping=form.mapping())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(job)
    return render(request, "imports/detail.html", _mapping_context(job, form), status=400)


@require_POST
def import_encoding(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk, status=ImportJob.Status.MAPPING)
    form = EncodingForm(request.POST)
    if not form.is_valid():
        return redirect(job)
    return run_service(request, services.import_reencode, job=job, by=request.user,
                       encoding=form.cleaned_data["encoding"], success="", redirect_to=job)


def import_progress(request, pk):
    """Polled by htmx while the dry run or import runs; reloads the page when done."""
    job = _job(request, pk)
    if not request.htmx:
        return redirect(job)  # the address opened by hand: the whole page, not its progress bar alone
    if not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", {"job": job})


@require_POST
def import_apply(request, pk):
    job = _job(request, pk)

    def applied(_result):
        # A large file is applied by a worker: the message comes when it is done.
        job.refresh_from_db(fields=["status", "message"])
        return _("Imported: %(file)s.") % {"file": job.file_name} if job.status == ImportJob.Status.APPLIED else ""

    return run_service(request, services.import_apply, job=job, by=request.user, success=applied, redirect_to=job)


@require_POST
def import_recheck(request, pk):
    job = _job(request, pk)
    return run_service(request, services.import_recheck, job=job, by=request.user, success="", redirect_to=job)


def import_discard(request, pk):
    job = _job(request, pk)
    if request.method != "POST":
        return confirm_page(request, title=_("Discard this import?"), label=_("Discard"),
                            cancel_url=job.get_absolute_url(),
                            message=_("The uploaded file “%(file)s” and its dry run are deleted. "
                                      "Records already imported stay.") % {"file": job.file_name})
    return run_service(request, services.import_discard, job=job, by=request.user, success=_("Import discarded."),
                       redirect_to=lambda _result: job if job.pk else reverse("imports:list"), on_error=job)


def import_template(request, kind, fmt):
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    if kind not in IMPORTERS or fmt not in ("csv", "xlsx") or language not in dict(settings.LANGUAGES):
        raise Http404
    return template_response(kind, fmt, language)


