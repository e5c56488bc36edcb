from celery import shared_task


@shared_task
def run_lead_import(job_id: int):
    from .importer import lead_import_run

    lead_import_run(job_id=job_id)
