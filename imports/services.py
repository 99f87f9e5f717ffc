"""The import's steps (issue 9): upload → map columns → dry run → apply.

Small files run in the request; large ones in Celery with a progress bar the
user can leave and come back to. Apply re-reads the file inside one transaction
and refuses if anything would now fail, so a failed import changes nothing.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imports import permissions
from imports.kinds import IMPORTERS, normalize_header
from imports.models import ColumnMapping, ImportJob, ImportRow
from imports.parsing import ParseError, read_table
from notifications.models import Kind
from notifications.services import notify

PROGRESS_EVERY = 1000
logger = logging.getLogger(__name__)


def inline_limit():
    return getattr(settings, "IMPORT_INLINE_ROWS", 2000)


def header_signature(headers):
    return hashlib.sha256("\x1f".join(normalize_header(h) for h in headers).encode()).hexdigest()


def guess_mapping(kind, headers):
    """The mapping remembered for these headers, else headers matched by name."""
    remembered = ColumnMapping.objects.filter(kind=kind, signature=header_signature(headers)).first()
    if remembered:
        return {key: headers.index(header) for key, header in remembered.mapping.items() if header in headers}
    index = IMPORTERS[kind](by=None).header_index()
    mapping = {}
    for position, header in enumerate(headers):
        key = index.get(normalize_header(header))
        if key and key not in mapping:
            mapping[key] = position
    return mapping


def not_imported(job, mapping=None):
    """The file's headers no field reads, each with the other import kinds that would read it
    (a 负责人 column in a contacts file is the accounts import's): the mapping page lists them, so
    no column is dropped silently."""
    mapping = job.mapping if mapping is None else mapping
    used = {int(position) for position in mapping.values() if position not in (None, "")}
    others = {kind: IMPORTERS[kind](by=None).header_index() for kind in IMPORTERS if kind != job.kind}
    labels = dict(ImportJob.Kind.choices)
    return [(header or f"#{position + 1}",
             [labels[kind] for kind, index in others.items() if normalize_header(header) in index])
            for position, header in enumerate(job.headers) if position not in used]


def import_upload(*, by, kind, upload, encoding="auto"):
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(size)s MB; split it into smaller files.")
                               % {"size": settings.IMPORT_MAX_BYTES // 2**20}})
    data = upload.read()
    try:
        headers, body, used = read_table(data, upload.name, encoding)
    except ParseError as error:
        raise ValidationError({"file": error.message}) from error
    if len(body) > settings.IMPORT_MAX_ROWS:
        raise ValidationError({"file": _("The file has %(rows)s rows; at most %(limit)s can be imported at once.")
                               % {"rows": len(body), "limit": settings.IMPORT_MAX_ROWS}})
    return ImportJob.objects.create(
        owner=by, kind=kind, file_name=upload.name[:255], data=data, encoding=encoding, detected_encoding=used,
        headers=headers, total_rows=len(body), mapping=guess_mapping(kind, headers))


@transaction.atomic
def _require_uploader(by, job):
    if not permissions.can_work_on_import(by, job):
        raise PermissionDenied(_("Only whoever uploaded the file works on its import."))


def import_map(*, job, by, mapping):
    """Save the column mapping (remembered for the next file with these headers)
    and start the dry run."""
    _require_uploader(by, job)
    columns = IMPORTERS[job.kind].columns
    errors, used = {}, {}
    for column in columns:
        position = mapping.get(column.key)
        if position is None:
            if column.required:
                errors[column.key] = _("Choose the file's column for %(column)s.") % {"column": column.label}
            continue
        if position in used:
            errors[column.key] = _("“%(header)s” is already used for %(column)s.") % {
                "header": job.headers[position], "column": used[position].label}
        used[position] = column
    if errors:
        raise ValidationError(errors)
    job.mapping = {key: position for key, position in mapping.items() if position is not None}
    job.save(update_fields=["mapping"])
    ColumnMapping.objects.update_or_create(
        kind=job.kind, signature=header_signature(job.headers),
        defaults={"mapping": {key: job.headers[i] for key, i in job.mapping.items()}, "updated_by": by})
    import_check_start(job=job)


def import_check_start(*, job):
    from imports.tasks import import_check_task

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING, processed_rows=0, message="")
    job.status = ImportJob.Status.CHECKING
    if job.total_rows <= inline_limit():
        import_check_run(job_id=job.pk)
    else:
        # robust: if even recording the failure fails, the committed check must not become a 500.
        transaction.on_commit(lambda: _enqueue(import_check_task, job), robust=True)


def _enqueue(task, job):
    """Hand the job to the worker; with the broker unreachable, say so on the job
    (the user can start it again) rather than leave it waiting for ever."""
    try:
        task.delay(job.pk)
    except Exception:  # kombu raises several kinds for an unreachable broker
        logger.exception("could not queue import %s", job.pk)
        _fail(job, _("The background worker could not be reached. Nothing was imported; try again in a minute."))


def _plan(job, progress=None):
    headers, body, _used = read_table(bytes(job.data), job.file_name, job.source_encoding)
    records = [{key: cells[position] for key, position in job.mapping.items()} for _line, cells in body]
    importer = IMPORTERS[job.kind](by=job.owner)
    importer.load(records)
    outcomes, first_seen = [], {}
    for count, ((line, _cells), record) in enumerate(zip(body, records, strict=True), start=1):
        importer.notes = []
        outcome = importer.check(line, record)
        if importer.notes and outcome.action != "error":
            outcome.message = " ".join(filter(None, [str(outcome.message), *importer.notes]))
        if outcome.action != "error":
            if outcome.key in first_seen:
                outcome.action = "error"
                outcome.message = _("The same record as row %(line)s.") % {"line": first_seen[outcome.key]}
            first_seen.setdefault(outcome.key, line)
        outcomes.append(outcome)
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    importer.finish(outcomes)
    return importer, outcomes


def _rows_save(job, outcomes, importer=None):
    """Each row's outcome; after an import, with a link to the record it made or changed."""
    job.rows.all().delete()
    ImportRow.objects.bulk_create(
        [ImportRow(job=job, line=o.line, outcome=o.action, label=str(o.label)[:300], message=o.message,
                   record_url=importer.record_url(o.target) if importer and o.target is not None else "")
         for o in outcomes], batch_size=5000)


def _counts(outcomes):
    counts = {"create": 0, "update": 0, "skip": 0, "error": 0}
    for outcome in outcomes:
        counts[outcome.action] += 1
    return {"created_count": counts["create"], "updated_count": counts["update"],
            "skipped_count": counts["skip"], "error_count": counts["error"]}


class Progress:
    """Progress written on a connection of its own: the page polling it must see
    it while the import's transaction is still open. Best effort by design."""

    def __init__(self, job_id):
        self.job_id = job_id

    def __enter__(self):
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        return self

    def __call__(self, processed):
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute("UPDATE imports_importjob SET processed_rows = %s WHERE id = %s",
                               [processed, self.job_id])
        except DatabaseError:
            pass

    def __exit__(self, *exc):
        self.connection.close()
        return False


def import_check_run(*, job_id, progress=None):
    """The dry run: every row's outcome stored, nothing else written."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return job  # a duplicate delivery of the task
    try:
        _importer, outcomes = _plan(job, progress)
    except ParseError as error:
        return _fail(job, error.message)
    with transaction.atomic():
        _rows_save(job, outcomes)
        for name, value in _counts(outcomes).items():
            setattr(job, name, value)
        job.status, job.checked_at, job.processed_rows = ImportJob.Status.CHECKED, timezone.now(), job.total_rows
        job.save()
    return job


def import_apply(*, job, by):
    _require_uploader(by, job)
    if not job.can_apply:
        raise ValidationError(_("Only a dry run without errors can be imported."))
    # Claim it first: a double click or a second tab does not import twice.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED, error_count=0).update(
        status=ImportJob.Status.APPLYING, processed_rows=0)
    if not claimed:
        raise ValidationError(_("This file is already being imported."))
    job.status = ImportJob.Status.APPLYING
    if job.total_rows <= inline_limit():
        return import_apply_run(job_id=job.pk)
    from imports.tasks import import_apply_task

    _enqueue(import_apply_task, job)
    return job


class _Changed(Exception):
    pass


def import_apply_run(*, job_id, progress=None):
    """Re-check and write in one transaction; any error rolls everything back."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.APPLYING:
        return job  # already applied: a re-delivered task makes nothing new
    try:
        with transaction.atomic():
            importer, outcomes = _plan(job, progress)
            failing = [o for o in outcomes if o.action == "error"]
            if failing:
                raise _Changed(len(failing))
            importer.apply(outcomes, job.owner)
            _rows_save(job, outcomes, importer)
            for name, value in _counts(outcomes).items():
                setattr(job, name, value)
            job.status, job.applied_at, job.processed_rows = ImportJob.Status.APPLIED, timezone.now(), job.total_rows
            job.save()
            notify(recipients=[job.owner], kind=Kind.IMPORT, key="import.finished",
                   dedupe_key=f"import:{job.pk}:applied", params={"file": job.file_name, "rows": job.total_rows},
                   link=job.get_absolute_url())
    except _Changed as changed:
        return _fail(job, ngettext("The data changed since the dry run: %(count)s row would now fail. Nothing "
                                   "was imported; run the dry run again.",
                                   "The data changed since the dry run: %(count)s rows would now fail. Nothing "
                                   "was imported; run the dry run again.",
                                   changed.args[0]) % {"count": changed.args[0]})
    except (DatabaseError, ValidationError, ParseError) as error:
        return _fail(job, _("Nothing was imported: %(error)s") % {"error": error})
    return job


def _fail(job, message):
    # The conditional UPDATE is the once-guard: only the run that turns the job to failed tells
    # the uploader, and a job checked again and failing again is a new occurrence.
    failed = (ImportJob.objects.filter(pk=job.pk).exclude(status=ImportJob.Status.FAILED)
              .update(status=ImportJob.Status.FAILED, message=message))
    job.status, job.message = ImportJob.Status.FAILED, message
    if failed:
        notify(recipients=[job.owner], kind=Kind.IMPORT, key="import.failed",
               dedupe_key=f"import:{job.pk}:failed:{uuid.uuid4().hex}", params={"file": job.file_name,
                                                                            "detail": message},
               link=job.get_absolute_url())
    return job


def import_reencode(*, job, by, encoding):
    """Read the file again with another encoding (the preview looked garbled)."""
    _require_uploader(by, job)
    try:
        headers, body, used = read_table(bytes(job.data), job.file_name, encoding)
    except ParseError as error:
        raise ValidationError({"encoding": error.message}) from error
    job.encoding, job.detected_encoding, job.headers, job.total_rows = encoding, used, headers, len(body)
    job.mapping = guess_mapping(job.kind, headers)
    job.status = ImportJob.Status.MAPPING
    job.save()


def preview(job, rows=5):
    _headers, body, _used = read_table(bytes(job.data), job.file_name, job.source_encoding, limit=rows)
    return [cells for _line, cells in body]


@transaction.atomic
def import_recheck(*, job, by):
    _require_uploader(by, job)
    if job.status not in (ImportJob.Status.CHECKED, ImportJob.Status.FAILED):
        raise ValidationError(_("This import cannot be checked again now."))
    import_check_start(job=job)


@transaction.atomic
def import_discard(*, job, by):
    _require_uploader(by, job)
    if job.is_running:
        raise ValidationError(_("Wait for the import to finish before discarding it."))
    job.delete()
