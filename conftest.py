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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep serialized_rollback working after browser tests.

    Playwright's sync API runs in greenlets, and Django's per-context connection handler then
    hands out connection objects other than the one the test database was created on; those
    lack its serialized contents, and a later `serialized_rollback` test would find nothing
    to restore (an empty database, no role groups). Putting the contents on the connection
    class makes every connection object carry them.
    """
    from django.db import connections

    patched = []
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            wrapper = type(connections[alias])
            wrapper._test_serialized_contents = contents
            patched.append(wrapper)
    yield
    for wrapper in patched:
        del wrapper._test_serialized_contents


@pytest.fixture(autouse=True)
def _fresh_business_rules():
    """Each test reads the business rules of its own database: the per-process copy of the
    stored rules (rules.store) would otherwise outlive the rollback of a test that changed
    them."""
    from rules import store

    store.forget()
    yield
    store.forget()


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request in Chinese leaves Chinese active in the worker; each test starts in English."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
