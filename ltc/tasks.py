from celery import shared_task


@shared_task
def check_handoff_timers():
    from .timers import check_all

    return check_all()


@shared_task
def import_run(job_id: int):
    """An uploaded file's import (ltc.imports.run_job); routed to the "imports" queue."""
    from .imports import run_job

    run_job(job_id)
