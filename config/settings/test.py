from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"

STATIC_ROOT = None  # whitenoise serves from the finders; nothing to collect

# The suite makes many API calls from one client: rates no test reaches. Tests of the
# throttles set low rates themselves.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "auth-token": "100000/min",
    },
}

# Each test process keeps its own cache and database sessions, whatever REDIS_URL says (CI
# sets it for the broker tests): no state shared between parallel test processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The suite's query counts and plans must not depend on whether autovacuum has analyzed a
# table yet: searches do not read the trigram statistics, except in the tests of that
# (ltc/tests/test_searchtext.py), which turn it on.
SEARCH_TRIGRAM_STATISTICS = False
