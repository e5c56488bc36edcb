#!/bin/sh
# Serve the CRM. Without REDIS_URL a Celery worker with embedded beat runs beside the web
# server on the file-system transport (no broker to install), so scheduled reminders fire.
# The embedded beat keeps its schedule in a local file (CELERY_BEAT_SCHEDULE from settings),
# not in the database: on SQLite its start-up writes would wait on the worker's and be lost.
set -e
HOST=${1:-127.0.0.1:8000}
PY=${PY:-.venv/bin/python}
# Links in emails, bot messages and survey QR codes point at the address served here, unless
# SITE_URL names the public one (a proxy in front). runserver's HOST may be a bare port.
case "$HOST" in
  *:*) ADDRESS=$HOST ;;
  *) ADDRESS=127.0.0.1:$HOST ;;
esac
export SITE_URL="${SITE_URL:-http://$ADDRESS}"
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
