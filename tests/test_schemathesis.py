"""A bounded property-based run over the whole OpenAPI schema (schemathesis), as a manager and
as a salesperson, on PostgreSQL: no server errors, no answer that breaks its documented
schema, no undocumented status code, no undocumented content type.

The schema is generated in-process and every request goes to the WSGI app, inside the test's
transaction; a small chain of records exists first, so generated ids find real records. The
run is bounded (LTC_SCHEMATHESIS_EXAMPLES per operation, default 3; no shrinking, no deadline).
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

from roles.tests.factories import user_with
from tests.test_chain_links import make_chain

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("LTC_SCHEMATHESIS_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


def run_schema(user) -> dict[str, list[str]]:
    """Every operation of the schema with EXAMPLES generated requests as `user`; the failures
    by operation (empty when clean)."""
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
    failures: dict[str, list[str]] = defaultdict(list)
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        _run_operation(operation, headers, failures[f"{operation.method.upper()} {operation.path}"])
    assert operations > 100, operations
    return {op: found for op, found in failures.items() if found}


def _run_operation(operation, headers, found: list[str]):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, FailureGroup) as exc:  # a failed check: note it, keep going
            found.append(f"{response.status_code}: {' '.join(str(exc).split())[:300]}")

    check()


@pytest.fixture
def keep_connection():
    """Requests through the WSGI app stay in the test's transaction: like Django's test
    client, don't let request_started/finished close the connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["manager", "sales"])
def test_the_whole_schema_holds_for(role, keep_connection):
    user = user_with(role)
    make_chain(seller=user if role == "sales" else None)
    make_chain()
    failures = run_schema(user)
    report = "\n".join(f"{op}\n  " + "\n  ".join(sorted(set(f))) for op, f in failures.items())
    assert not failures, f"{len(failures)} operations failed:\n{report}"
