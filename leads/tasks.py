from celery import shared_task

from . import services


@shared_task
def remind_untouched_leads():
    return services.remind_untouched_leads()


@shared_task
def run_lead_import(job_id: int):
    from .importer import lead_import_run

    lead_import_run(job_id=job_id)
