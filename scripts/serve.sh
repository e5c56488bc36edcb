#!/bin/sh
# Serve the CRM. Without REDIS_URL a Celery worker with embedded beat runs beside the web
# server on the file-system transport (no broker to install), so scheduled reminders fire.
# The embedded beat keeps its schedule in a local file (CELERY_BEAT_SCHEDULE from settings),
# not in the database: on SQLite its start-up writes would wait on the worker's and be lost.
set -e
HOST=${1:-127.0.0.1:8000}
PY=.venv/bin/python
if [ -z "$REDIS_URL" ]; then
  mkdir -p .celery-queue/processed
  .venv/bin/celery -A config worker --beat --pool=solo --loglevel=warning \
    -Q celery,notifications,rollups,imports \
    --scheduler=celery.beat:PersistentScheduler --schedule=.celery-queue/beat-schedule &
  WORKER=$!
  trap 'kill $WORKER 2>/dev/null' EXIT INT TERM
  echo "Celery worker + beat running (pid $WORKER) on the embedded file-system transport."
else
  echo "REDIS_URL is set: start 'make worker' and 'make beat' in other terminals."
fi
$PY manage.py runserver "$HOST"
