"""Project-wide pytest set-up: services that some tests need, and how they skip."""

import os

import pytest
from django.conf import settings

REQUIRE = os.environ.get("LTC_REQUIRE_SERVICES") == "1"


def _need(condition: bool, reason: str):
    if condition:
        return
    if REQUIRE:
        pytest.fail(f"{reason} (LTC_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def require_postgres():
    _need(on_postgres(), "needs PostgreSQL: set DATABASE_URL=postgres://... (see .ci/run)")


@pytest.fixture
def require_redis():
    _need(bool(os.environ.get("REDIS_URL")), "needs Redis: set REDIS_URL=redis://... (see .ci/run)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords:
            item.fixturenames.insert(0, "require_postgres")
        if "redis" in item.keywords:
            item.fixturenames.insert(0, "require_redis")
