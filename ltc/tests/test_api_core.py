"""Activities and notifications in the API, token auth, and the JSON error answers."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity
from customers.tests.factories import AccountFactory
from leads.models import Lead
from leads.tests.factories import LeadFactory
from notifications.models import Notification
from notifications.services import notify
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"
NOTIFICATIONS = "/api/v1/notifications/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_api(user) -> APIClient:
    """A client that authenticates every request afresh, as an integrator's would (nothing
    cached on the user object between requests)."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def activity_on(record, owner, **kwargs) -> Activity:
    return Activity.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        owner=owner,
        kind=kwargs.pop("kind", "call"),
        subject=kwargs.pop("subject", "Call back"),
        **kwargs,
    )


# --- token auth -----------------------------------------------------------------------------


def test_token_auth():
    user_with("sales", username="wei")
    bad = APIClient().post("/api/v1/auth/token/", {"username": "wei", "password": "wrong"})
    assert bad.status_code == 400
    good = APIClient().post("/api/v1/auth/token/", {"username": "wei", "password": "pw"})
    assert good.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert client.get(ACTIVITIES).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(ACTIVITIES).status_code == 401


# --- activities -----------------------------------------------------------------------------


def test_create_an_activity_on_a_visible_lead_updates_the_lead():
    seller = user_with("sales")
    lead = LeadFactory(owner=seller)
    follow_up = timezone.now() + datetime.timedelta(days=2)
    response = api(seller).post(
        ACTIVITIES,
        {
            "record_type": "leads.lead",
            "record_id": lead.pk,
            "kind": "meeting",
            "subject": "Site visit",
            "next_follow_up_at": follow_up.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["record_type"] == "leads.lead" and body["record_id"] == lead.pk
    assert body["owner"] == seller.pk and body["done_at"] is None
    activity = Activity.objects.get()
    assert activity.record == lead and activity.owner == seller
    lead.refresh_from_db()
    assert lead.last_activity_at is not None


def test_create_a_done_activity_on_an_account():
    marketing = user_with("marketing")
    account = AccountFactory()
    response = api(marketing).post(
        ACTIVITIES,
        {
            "record_type": "customers.account",
            "record_id": account.pk,
            "kind": "email",
            "subject": "Brochure sent",
            "done": True,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["done_at"] is not None


@pytest.mark.parametrize(
    ("record_type", "field"),
    [("leads.lead", "record_id"), ("leads.nothing", "record_type"), ("auth.user", "record_type")],
)
def test_activity_on_a_record_the_caller_cannot_see_is_400(record_type, field):
    seller = user_with("sales")
    hidden = LeadFactory(owner=user_with("sales"))
    response = api(seller).post(
        ACTIVITIES,
        {"record_type": record_type, "record_id": hidden.pk, "kind": "call", "subject": "Peek"},
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Activity.objects.exists()


def test_activity_bad_input_is_400():
    seller = user_with("sales")
    lead = LeadFactory(owner=seller)
    response = api(seller).post(
        ACTIVITIES,
        {"record_type": "leads.lead", "record_id": lead.pk, "kind": "fax", "due_at": "tomorrow"},
    )
    assert response.status_code == 400
    assert {"kind", "subject", "due_at"} <= set(response.json())
    response = api(seller).post(ACTIVITIES, {"kind": "call", "subject": "x"})
    assert {"record_type", "record_id"} <= set(response.json())
    assert not Activity.objects.exists()


def test_activities_list_own_only_with_filters():
    seller = user_with("sales")
    other = user_with("sales")
    lead = LeadFactory(owner=seller)
    account = AccountFactory(owner=seller)
    call = activity_on(lead, seller, kind="call")
    done = activity_on(account, seller, kind="email", done_at=timezone.now())
    activity_on(lead, other)
    client = api(seller)
    assert set(ids(client.get(ACTIVITIES))) == {call.pk, done.pk}
    assert ids(client.get(ACTIVITIES, {"done": "false"})) == [call.pk]
    assert ids(client.get(ACTIVITIES, {"done": "true"})) == [done.pk]
    assert ids(client.get(ACTIVITIES, {"kind": "email"})) == [done.pk]
    assert ids(client.get(ACTIVITIES, {"record_type": "leads.lead", "record_id": lead.pk})) == [
        call.pk
    ]
    assert ids(client.get(ACTIVITIES, {"record_type": "nope.nope"})) == []


def test_complete_an_activity():
    seller = user_with("sales")
    activity = activity_on(LeadFactory(owner=seller), seller)
    response = api(seller).post(f"{ACTIVITIES}{activity.pk}/complete/")
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.done_at is not None
    assert response.json()["done_at"] is not None
    first = activity.done_at
    assert api(seller).post(f"{ACTIVITIES}{activity.pk}/complete/").status_code == 200
    activity.refresh_from_db()
    assert activity.done_at == first


def test_someone_elses_activity_is_404():
    seller = user_with("sales")
    activity = activity_on(LeadFactory(owner=seller), seller)
    intruder = api(user_with("manager"))
    assert intruder.get(f"{ACTIVITIES}{activity.pk}/").status_code == 404
    assert intruder.post(f"{ACTIVITIES}{activity.pk}/complete/").status_code == 404
    activity.refresh_from_db()
    assert activity.done_at is None


def test_activities_are_not_edited_or_deleted_through_the_api():
    seller = user_with("sales")
    activity = activity_on(LeadFactory(owner=seller), seller)
    client = api(seller)
    assert client.patch(f"{ACTIVITIES}{activity.pk}/", {"subject": "x"}).status_code == 405
    assert client.delete(f"{ACTIVITIES}{activity.pk}/").status_code == 405


def test_idempotent_activity_create():
    seller = user_with("sales")
    lead = LeadFactory(owner=seller)
    body = {"record_type": "leads.lead", "record_id": lead.pk, "kind": "call", "subject": "Hi"}
    client = api(seller)
    first = client.post(ACTIVITIES, body, HTTP_IDEMPOTENCY_KEY="a1")
    second = client.post(ACTIVITIES, body, HTTP_IDEMPOTENCY_KEY="a1")
    assert first.json() == second.json()
    assert Activity.objects.count() == 1


# --- notifications --------------------------------------------------------------------------


def test_notifications_own_only_unread_count_and_mark_read():
    user = user_with("sales")
    other = user_with("sales")
    notes = [notify(recipient=user, key=f"k{i}", title=f"Note {i}") for i in range(3)]
    notify(recipient=other, key="k0", title="Not yours")
    client = api(user)

    assert set(ids(client.get(NOTIFICATIONS))) == {n.pk for n in notes}
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 3}

    some = client.post(f"{NOTIFICATIONS}mark-read/", {"ids": [notes[0].pk]})
    assert some.status_code == 200
    assert some.json() == {"marked": 1, "unread": 2}
    assert set(ids(client.get(NOTIFICATIONS, {"unread": "true"}))) == {notes[1].pk, notes[2].pk}

    everything = client.post(f"{NOTIFICATIONS}mark-read/", {})
    assert everything.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_mark_read_cannot_touch_someone_elses_notifications():
    user = user_with("sales")
    theirs = notify(recipient=user_with("sales"), key="x", title="Theirs")
    response = api(user).post(f"{NOTIFICATIONS}mark-read/", {"ids": [theirs.pk]})
    assert response.json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api(user).get(f"{NOTIFICATIONS}{theirs.pk}/").status_code == 404


def test_mark_read_bad_input_is_400():
    response = api(user_with("sales")).post(f"{NOTIFICATIONS}mark-read/", {"ids": ["a"]})
    assert response.status_code == 400
    assert "ids" in response.json()


def test_notifications_are_read_only():
    user = user_with("sales")
    note = notify(recipient=user, key="k", title="T")
    client = api(user)
    assert client.post(NOTIFICATIONS, {"title": "forged"}).status_code == 405
    assert client.delete(f"{NOTIFICATIONS}{note.pk}/").status_code == 405


# --- bounded queries ------------------------------------------------------------------------


def test_activity_and_notification_lists_run_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    user = user_with("sales")
    lead = LeadFactory(owner=user)
    account = AccountFactory(owner=user)
    for i in range(55):
        activity_on(lead if i % 2 else account, user)
        notify(recipient=user, key=f"n{i}", title=f"N{i}")
    client = token_api(user)
    # token+user, count, page
    for endpoint in (ACTIVITIES, NOTIFICATIONS):
        for size in (5, 50):
            with django_assert_max_num_queries(3):
                response = client.get(endpoint, {"page_size": size})
            assert len(response.json()["results"]) == size


# --- errors are JSON ------------------------------------------------------------------------


def test_errors_are_json():
    client = api(user_with("marketing"))
    missing = client.get("/api/v1/leads/999999/")
    assert missing.status_code == 404 and "detail" in missing.json()
    lead = LeadFactory()
    conflict = client.post(f"/api/v1/leads/{lead.pk}/transitions/recycle/")
    assert conflict.status_code == 409 and conflict.json()["detail"]
    forbidden = client.post(f"/api/v1/leads/{lead.pk}/transitions/reopen/")
    assert forbidden.status_code == 403 and forbidden.json()["detail"]
    assert Lead.objects.get(pk=lead.pk).status == "new"
