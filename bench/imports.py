"""Time a 100,000-row import against one database: `python -m bench.imports DATABASE OUT.json`.

A GBK-encoded account list (what Chinese Excel writes) goes through the steps a
user takes: upload (decode and read), the dry run, and the apply, each through
the same service the Celery task runs, with progress written as in production.
The apply runs inside a transaction that is rolled back afterwards, so the
benchmark database is left as it was; a second dry run of the same file then
shows the re-import would make nothing new (every row "unchanged").
"""

import csv
import io
import json
import os
import sys
import time

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 100_000))


def account_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["客户名称", "行业", "区域", "潜力", "成立日期"])
    for i in range(rows):
        writer.writerow([f"导入基准 {i:06d} 有限公司", "制造业", "华东", i % 5 + 1, "2004年5月26日"])
    return buffer.getvalue().encode("gbk")


def timed(step):
    started = time.perf_counter()
    result = step()
    return round(time.perf_counter() - started, 2), result


def measure(rows=ROWS):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from imports import services
    from imports.models import ImportJob
    from users.models import User

    admin = User.objects.filter(role=User.Role.ADMIN).first()
    data = account_file(rows)

    def upload():
        return services.import_upload(by=admin, kind="accounts", upload=SimpleUploadedFile("bench.csv", data))

    def check(job):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING)
        with services.Progress(job.pk) as progress:
            return services.import_check_run(job_id=job.pk, progress=progress)

    result = {"rows": rows, "bytes": len(data)}
    result["upload_s"], job = timed(upload)
    result["encoding"] = job.detected_encoding
    result["dry_run_s"], job = timed(lambda: check(job))
    result["dry_run_outcomes"] = {"create": job.created_count, "error": job.error_count}
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
        result["apply_s"], applied = timed(lambda: services.import_apply_run(job_id=job.pk))
        result["apply_status"] = applied.status
        again = upload()
        result["re_run_dry_s"], again = timed(lambda: check(again))
        result["re_run_outcomes"] = {"create": again.created_count, "unchanged": again.skipped_count}
        transaction.set_rollback(True)
    ImportJob.objects.filter(pk=job.pk).delete()
    return result


def main(argv):
    import django

    database, out = argv[1], argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    if "://" not in os.environ.get("DATABASE_URL", ""):
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    django.setup()
    result = measure()
    with open(out, "w") as handle:
        json.dump(result, handle, indent=1)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
