"""Brute force and throttling: lockout by username and by address (django-axes) on the
login page and the token endpoint, admin reset, API throttles answering 429 with
Retry-After, and API tokens that can be listed, revoked and expire."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from roles.models import ApiToken
from roles.tests.factories import user_with
from roles.tokens import token_issue

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # throttle counts live in the cache
    yield
    cache.clear()


@pytest.fixture
def rates(settings):
    def set_rates(**values):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **values,
            },
        }

    return set_rates


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _token(username, password, ip="10.0.0.1"):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


# --- lockout ---------------------------------------------------------------------------------


def test_login_page_locks_the_user_out_after_repeated_failures(client, settings):
    user_with("sales", username="wei")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wei", "wrong").status_code == 200  # the form again
    assert _login(client, "wei", "wrong").status_code == 429
    # The right password is refused while locked, from another address too (by username).
    locked = _login(client, "wei", "pw", ip="10.9.9.9")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_endpoint_locks_out_by_user_and_answers_429_with_retry_after(settings):
    user_with("sales", username="li")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _token("li", "wrong").status_code == 400
    locked = _token("li", "wrong")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert _token("li", "pw").status_code == 429
    assert not ApiToken.objects.exists()


def test_lockout_by_address_covers_every_username(client, settings):
    user_with("sales", username="victim")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong", ip="10.6.6.6")
    assert _login(client, "victim", "pw", ip="10.6.6.6").status_code == 429
    assert _login(client, "victim", "pw", ip="10.7.7.7").status_code == 302


def test_admin_reset_lets_the_user_in_again(client, settings):
    user_with("sales", username="wei")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wei", "wrong")
    assert _login(client, "wei", "pw").status_code == 429
    call_command("axes_reset_username", "wei")
    assert not AccessAttempt.objects.filter(username="wei").exists()
    assert _login(client, "wei", "pw").status_code == 302


def test_a_success_before_the_limit_clears_the_failures(client, settings):
    user_with("sales", username="wei")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wei", "wrong")
    assert _login(client, "wei", "pw").status_code == 302
    client.logout()
    assert _login(client, "wei", "wrong").status_code == 200  # counting starts again


# --- throttles -------------------------------------------------------------------------------


def test_signed_in_user_is_throttled_with_retry_after(rates):
    rates(user="5/min")
    api = APIClient()
    api.force_authenticate(user_with("sales"))
    answers = [api.get("/api/v1/leads/") for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    assert answers[5].status_code == 429 and int(answers[5]["Retry-After"]) > 0
    other = APIClient()
    other.force_authenticate(user_with("sales"))
    assert other.get("/api/v1/leads/").status_code == 200  # per user


def test_anonymous_calls_are_throttled_per_address(rates):
    # Anonymous callers reach only the open endpoints (the token endpoint); elsewhere they
    # are answered 401 before any work.
    rates(anon="3/min", **{"auth-token": "100/min"})
    user_with("sales", username="wei")
    codes = [_token("wei", "pw", ip="10.1.1.1").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert _token("wei", "pw", ip="10.1.1.2").status_code == 200


def test_token_endpoint_has_its_own_tighter_scope(rates):
    rates(**{"auth-token": "2/min", "anon": "100/min"})
    user_with("sales", username="wei")
    assert _token("wei", "pw").status_code == 200
    assert _token("wei", "pw").status_code == 200
    third = _token("wei", "pw")
    assert third.status_code == 429 and "Retry-After" in third


# --- tokens ----------------------------------------------------------------------------------


def test_tokens_list_and_revoke_your_own():
    me, other = user_with("sales"), user_with("sales")
    mine, key = token_issue(user=me, name="ERP")
    theirs, _key = token_issue(user=other, name="BI")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listing = api.get("/api/v1/auth/tokens/")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [r["id"] for r in rows] == [mine.pk] and rows[0]["name"] == "ERP"
    assert key not in listing.content.decode()  # the key is never shown again
    assert api.delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert api.delete(f"/api/v1/auth/tokens/{mine.pk}/").status_code == 204
    assert api.get("/api/v1/auth/tokens/").status_code == 401  # revoked at once
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_obtained_token_is_stored_as_a_digest():
    user_with("sales", username="wei")
    response = _token("wei", "pw")
    key = response.json()["token"]
    token = ApiToken.objects.get()
    assert token.prefix == key[:8] and key not in (token.digest, token.prefix)


def test_expired_tokens_are_refused(settings):
    settings.LTC = {**settings.LTC, "API_TOKEN_TTL_DAYS": 30}
    user = user_with("sales")
    token, key = token_issue(user=user)
    assert token.expires_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/leads/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    refused = api.get("/api/v1/leads/")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_tokens_never_expire_by_default():
    token, _key = token_issue(user=user_with("sales"))
    assert token.expires_at is None


def test_tokens_page_creates_lists_and_revokes(client):
    user = user_with("sales")
    client.force_login(user)
    page = client.post(reverse("roles:tokens"), {"name": "ERP sync"})
    assert page.status_code == 200 and 'data-testid="new-token"' in page.content.decode()
    token = ApiToken.objects.get(user=user)
    assert "ERP sync" in client.get(reverse("roles:tokens")).content.decode()
    other = token_issue(user=user_with("sales"))[0]
    assert client.post(reverse("roles:token-revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("roles:token-revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert reverse("roles:tokens") in client.get(reverse("home")).content.decode()
