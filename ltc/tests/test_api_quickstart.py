"""The integrator's quick-start page shows working calls: the URLs it names exist."""

import re

import pytest
from django.urls import Resolver404, resolve, reverse

from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_quickstart_names_real_endpoints(client):
    client.force_login(user_with("manager"))
    body = client.get(reverse("api-quickstart")).content.decode()
    assert "X-LTC-Signature" in body and "hmac.compare_digest" in body
    paths = set(re.findall(r"/api/v1/[a-z0-9_/\-]+", body))
    assert {"/api/v1/auth/token/", "/api/v1/leads/", "/api/v1/webhooks/"} <= paths
    for path in paths:
        concrete = path.replace("/42/", "/1/")
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"the quick start names {path}, which does not exist")


def test_quickstart_needs_a_login(client):
    assert client.get(reverse("api-quickstart")).status_code == 302
