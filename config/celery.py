import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Scheduled tasks run one at a time across every worker (ltc.periodic).
app = Celery("config", task_cls="ltc.periodic:SingleRunTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
