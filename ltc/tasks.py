from celery import shared_task


@shared_task
def check_handoff_timers():
    from .timers import check_all

    return check_all()
