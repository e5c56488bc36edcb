FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        gettext nodejs npm libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e .
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# The same steps tests/test_production.py runs: vendored assets, compiled translations,
# collectstatic with the manifest storage of config.settings.production.
RUN sh scripts/vendor-assets.sh \
    && SECRET_KEY=build ALLOWED_HOSTS=* python manage.py compilemessages --ignore=.venv -v 0 \
    && SECRET_KEY=build ALLOWED_HOSTS=* python manage.py collectstatic --noinput -v 0 \
    && rm -rf node_modules \
    && useradd --system --home /app ltc && mkdir -p /app/media && chown ltc /app/media
USER ltc
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
