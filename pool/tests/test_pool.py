"""The public pool: idle leads and accounts return (once), sales claim them with a daily
limit that holds under concurrency, and every return and claim is logged."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from leads.models import Lead
from leads.selectors import lead_can_edit, lead_list
from leads.tests.factories import LeadFactory, lead_in
from notifications.models import Notification
from pool import services
from pool.models import PoolEntry, PoolEvent
from roles.tests.factories import user_with

DAYS = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def role_groups(db):
    """A transactional test that ran before may have flushed the groups of the data migration."""
    from django.contrib.auth.models import Group

    from roles.models import Role

    for slug in Role.values:
        Group.objects.get_or_create(name=slug)


@pytest.fixture(autouse=True)
def pool_settings(settings):
    settings.LTC = {**settings.LTC, "POOL_RETURN_DAYS": 30, "POOL_DAILY_CLAIM_LIMIT": 2}


def idle_lead(owner, status="working", days=31):
    lead = lead_in(status, owner=owner)
    Lead.objects.filter(pk=lead.pk).update(
        last_activity_at=timezone.now() - days * DAYS, assigned_at=timezone.now() - 40 * DAYS
    )
    return lead


def idle_account(owner, days=31):
    account = AccountFactory(owner=owner)
    type(account).objects.filter(pk=account.pk).update(
        last_activity_at=timezone.now() - days * DAYS
    )
    return account


@pytest.mark.django_db
def test_idle_records_return_once_with_a_log(django_capture_on_commit_callbacks):
    seller = user_with("sales")
    stale = idle_lead(seller)
    fresh = idle_lead(seller, days=5)
    converted = idle_lead(seller, status="converted")
    account = idle_account(seller)
    busy_account = idle_account(seller, days=2)
    assert lead_list(user=seller).filter(pk=stale.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.pool_return_stale() == {"leads": 1, "accounts": 1}
    assert services.pool_return_stale() == {"leads": 0, "accounts": 0}

    stale.refresh_from_db()
    account.refresh_from_db()
    assert stale.owner is None and account.owner is None
    assert not lead_list(user=seller).filter(pk=stale.pk).exists()
    for record in (fresh, converted, busy_account):
        record.refresh_from_db()
        assert record.owner == seller
    events = PoolEvent.objects.filter(kind="return")
    assert {(e.lead_id, e.account_id, e.owner_id, e.by_id) for e in events} == {
        (stale.pk, None, seller.pk, None),
        (None, account.pk, seller.pk, None),
    }
    assert PoolEntry.objects.count() == 2
    assert (
        Notification.objects.filter(recipient=seller, key__startswith="pool-return:").count() == 2
    )


@pytest.mark.django_db
def test_claim_makes_it_yours_and_is_logged():
    first_owner = user_with("sales")
    lead = idle_lead(first_owner)
    account = idle_account(first_owner)
    services.pool_return_stale()
    claimer = user_with("sales")
    entry = PoolEntry.objects.get(lead=lead)
    claimed = services.pool_claim(user=claimer, entry_id=entry.pk)
    assert claimed.owner == claimer and lead_can_edit(user=claimer, lead=claimed)
    assert lead_list(user=claimer).filter(pk=claimed.pk).exists()
    assert not PoolEntry.objects.filter(pk=entry.pk).exists()
    event = PoolEvent.objects.get(kind="claim")
    assert (event.lead_id, event.owner, event.by) == (lead.pk, claimer, claimer)
    services.pool_claim(user=claimer, entry_id=PoolEntry.objects.get(account=account).pk)
    account.refresh_from_db()
    assert account.owner == claimer
    # Claimed today: not returned again tomorrow although its last activity is old.
    assert services.pool_return_stale(now=timezone.now() + DAYS) == {"leads": 0, "accounts": 0}


@pytest.mark.django_db
def test_only_sales_claim_and_a_taken_record_is_409():
    lead = idle_lead(user_with("sales"))
    services.pool_return_stale()
    entry = PoolEntry.objects.get(lead=lead)
    for role in ("marketing", "service", "manager"):
        with pytest.raises(PermissionDenied):
            services.pool_claim(user=user_with(role), entry_id=entry.pk)
    services.pool_claim(user=user_with("sales"), entry_id=entry.pk)
    with pytest.raises(services.AlreadyClaimed):
        services.pool_claim(user=user_with("sales"), entry_id=entry.pk)


@pytest.mark.django_db
def test_daily_claim_limit():
    owner = user_with("sales")
    leads = [idle_lead(owner) for _ in range(3)]
    services.pool_return_stale()
    claimer = user_with("sales")
    entries = [PoolEntry.objects.get(lead=lead) for lead in leads]
    services.pool_claim(user=claimer, entry_id=entries[0].pk)
    services.pool_claim(user=claimer, entry_id=entries[1].pk)
    with pytest.raises(ValidationError, match="claim limit"):
        services.pool_claim(user=claimer, entry_id=entries[2].pk)
    assert Lead.objects.get(pk=leads[2].pk).owner is None
    # Tomorrow the limit starts again.
    services.pool_claim(user=claimer, entry_id=entries[2].pk, now=timezone.now() + DAYS)


@pytest.mark.django_db
def test_pool_api_and_page(client):
    owner = user_with("sales")
    leads = [idle_lead(owner) for _ in range(3)]
    services.pool_return_stale()
    claimer = user_with("sales")
    api = APIClient()
    api.force_authenticate(claimer)
    rows = api.get("/api/v1/pool/").json()["results"]
    assert {r["lead"] for r in rows} == {lead.pk for lead in leads}
    ids = [r["id"] for r in rows]
    response = api.post(f"/api/v1/pool/{ids[0]}/claim/")
    assert response.status_code == 200 and response.json()["kind"] == "lead"
    assert api.post(f"/api/v1/pool/{ids[0]}/claim/").status_code == 404  # gone from the pool
    assert api.post(f"/api/v1/pool/{ids[1]}/claim/").status_code == 200
    over = api.post(f"/api/v1/pool/{ids[2]}/claim/")
    assert over.status_code == 400 and "claim limit" in str(over.json())
    api.force_authenticate(user_with("service"))
    assert api.get("/api/v1/pool/").json()["count"] == 0

    client.force_login(user_with("sales"))
    page = client.get("/pool/")
    assert page.status_code == 200 and 'data-claim="' in page.content.decode()
    response = client.post(f"/pool/{ids[2]}/claim/")
    assert response.status_code == 302
    client.force_login(user_with("finance"))
    assert client.get("/pool/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_pool_page_is_bounded(client, django_assert_max_num_queries, size):
    owner = user_with("sales")
    for _ in range(size):
        LeadFactory(owner=owner)
    Lead.objects.update(last_activity_at=timezone.now() - 40 * DAYS)
    services.pool_return_stale()
    client.force_login(user_with("sales"))
    with django_assert_max_num_queries(12):
        assert client.get("/pool/").status_code == 200


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def go(fn):
        try:
            barrier.wait(timeout=10)
            fn()
            results.append("ok")
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_claims_at_the_limit_one_wins(settings):
    settings.LTC = {**settings.LTC, "POOL_DAILY_CLAIM_LIMIT": 1}
    owner = user_with("sales")
    leads = [idle_lead(owner) for _ in range(2)]
    services.pool_return_stale()
    claimer = user_with("sales")
    entries = [PoolEntry.objects.get(lead=lead).pk for lead in leads]
    results = _race([lambda e=e: services.pool_claim(user=claimer, entry_id=e) for e in entries])
    assert results == ["ValidationError", "ok"]
    assert Lead.objects.filter(owner=claimer).count() == 1
    assert PoolEvent.objects.filter(kind="claim", by=claimer).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_claim_the_same_record_one_wins():
    lead = idle_lead(user_with("sales"))
    services.pool_return_stale()
    entry = PoolEntry.objects.get(lead=lead).pk
    people = [user_with("sales"), user_with("sales")]
    results = _race([lambda u=u: services.pool_claim(user=u, entry_id=entry) for u in people])
    assert results == ["AlreadyClaimed", "ok"]
    lead.refresh_from_db()
    assert lead.owner in people
    assert PoolEvent.objects.filter(kind="claim").count() == 1


@pytest.mark.django_db
def test_daily_task_is_scheduled_and_returns_once(settings):
    from pool import tasks

    tasks_scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pool.tasks.return_idle_to_pool" in tasks_scheduled
    idle_lead(user_with("sales"))
    assert tasks.return_idle_to_pool.delay().get() == {"leads": 1, "accounts": 0}
    assert tasks.return_idle_to_pool.delay().get() == {"leads": 0, "accounts": 0}
    assert PoolEvent.objects.filter(kind="return").count() == 1
