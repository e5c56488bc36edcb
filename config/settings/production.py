"""Production: behind a TLS-terminating proxy, static files collected into STATIC_ROOT and
served by whitenoise with hashed names; everything site-specific from the environment."""

from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import BASE_DIR, REST_FRAMEWORK, TEMPLATES, env

DEBUG = False
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

# The proxy in front terminates TLS and says so in X-Forwarded-Proto. Redirecting plain HTTP
# to HTTPS is the proxy's job too; SECURE_SSL_REDIRECT=true makes Django do it as well (only
# when every request really arrives through an HTTPS proxy, or a plain-HTTP deployment loops).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS = ["security.W008"]  # the proxy redirects to HTTPS
# Cookies only over HTTPS. Browsers treat http://localhost as secure, so a local
# `docker compose up` logs in; on another plain-HTTP address set SECURE_COOKIES=false.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True

STORAGES = {
    **STORAGES,  # noqa: F405 - the default (file) storage as base.py configures it
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Source maps are fetched only by browser developer tools: served as they are, not
# pre-compressed (they are over half the bytes, and brotli on them dominates collectstatic).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# Templates are compiled once per process, not on every render.
TEMPLATES[0]["APP_DIRS"] = False
TEMPLATES[0]["OPTIONS"]["loaders"] = [
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]

# API throttling per user (token or session) and per address for anonymous calls; the
# counters live in the cache, which is Redis when REDIS_URL is set (shared by every process).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="60/minute"),
        "user": env("THROTTLE_USER", default="3000/minute"),
    },
}
