"""Issue 16: the after-sales job dated steps from the order row's created_at, so every order
imported or typed in late got a service-start letter and usage guidance long after the deal
(77 on the demo for 2025 orders). Those open steps, and the open tasks made of them, are not
work: removed. Done ones, and every value review, stay."""

from datetime import timedelta

from django.db import migrations

LONGEST_WINDOW = timedelta(days=4)  # usage guidance: the third day after signing, with a day's grace


def forget_false_steps(apps, schema_editor):
    from django.utils import timezone

    AfterSalesStep = apps.get_model("visits", "AfterSalesStep")
    CareTask = apps.get_model("care", "CareTask")
    false = [step.pk for step in AfterSalesStep.objects.filter(
        kind__in=["start_letter", "usage_guidance"], done_at__isnull=True).select_related("order")
        if timezone.localdate(step.due_at) - step.order.signed_on > LONGEST_WINDOW]
    CareTask.objects.filter(after_sales_step_id__in=false, status="open").delete()
    # A step some closed task still names stays (the task's history); the rest go.
    AfterSalesStep.objects.filter(pk__in=false).exclude(care_tasks__isnull=False).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("care", "0006_task_links_and_params"),
        ("visits", "0009_overlap_once_per_pair"),
    ]

    operations = [migrations.RunPython(forget_false_steps, migrations.RunPython.noop)]
