from celery import shared_task


@shared_task
def after_sales_schedule():
    """K-26: follow-ups for new orders and running contracts; idempotent."""
    from visits.services import after_sales_schedule as schedule

    return schedule()
