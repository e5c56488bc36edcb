"""Activities on any visible record, notifications and the unread bell."""

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from activities.services import activity_create
from customers.tests.factories import AccountFactory
from leads.models import Lead
from leads.tests.factories import LeadFactory
from notifications.models import Notification
from notifications.services import notify
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def add_url(record):
    return reverse(
        "activity-add", args=[record._meta.app_label, record._meta.model_name, record.pk]
    )


def activities_of(record):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    )


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def sales():
    return user_with("sales")


def test_add_activity_to_own_lead(client, sales):
    lead = LeadFactory(owner=sales)
    client.force_login(sales)
    response = client.post(
        add_url(lead),
        {
            "kind": "meeting",
            "subject": "Site visit",
            "notes": "Bring the demo kit",
            "due_at": "2030-01-02T10:00",
            "next_follow_up_at": "2030-01-09T10:00",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == lead.get_absolute_url()
    activity = activities_of(lead).get()
    assert (activity.kind, activity.subject, activity.owner) == ("meeting", "Site visit", sales)
    assert activity.next_follow_up_at.year == 2030
    assert activity.done_at is None
    assert Lead.objects.get(pk=lead.pk).last_activity_at is not None
    page = client.get(lead.get_absolute_url())
    assert "Site visit" in text(page)


def test_add_done_activity(client, sales):
    lead = LeadFactory(owner=sales)
    client.force_login(sales)
    client.post(add_url(lead), {"kind": "call", "subject": "Intro call", "done": "on"})
    assert activities_of(lead).get().done_at is not None


def test_add_activity_to_an_account(client, sales):
    account = AccountFactory(owner=sales)
    client.force_login(sales)
    response = client.post(add_url(account), {"kind": "email", "subject": "Sent brochure"})
    assert response.status_code == 302
    assert activities_of(account).count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "call", "subject": ""}, "This field is required."),
        ({"kind": "telepathy", "subject": "Hmm"}, "Select a valid choice."),
        ({"kind": "call", "subject": "x", "due_at": "tomorrow-ish"}, "Enter a valid date/time."),
    ],
)
def test_bad_activity_shows_errors_and_creates_nothing(client, sales, data, message):
    lead = LeadFactory(owner=sales)
    client.force_login(sales)
    response = client.post(add_url(lead), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not Activity.objects.exists()
    assert Lead.objects.get(pk=lead.pk).last_activity_at is None


def test_activity_on_invisible_record_is_404(client, sales):
    theirs = LeadFactory(owner=user_with("sales"))
    client.force_login(sales)
    response = client.post(add_url(theirs), {"kind": "call", "subject": "Snoop"})
    assert response.status_code == 404
    finance = user_with("finance")
    client.force_login(finance)
    assert client.post(add_url(theirs), {"kind": "call", "subject": "x"}).status_code == 404
    assert not Activity.objects.exists()


def test_activity_on_unknown_model_or_pk_is_404(client, sales):
    client.force_login(sales)
    url = reverse("activity-add", args=["leads", "lead", 987654])
    assert client.post(url, {"kind": "call", "subject": "x"}).status_code == 404
    url = reverse("activity-add", args=["nope", "nothing", 1])
    assert client.post(url, {"kind": "call", "subject": "x"}).status_code == 404
    # a model nobody registered a selector for (not a business record)
    url = reverse("activity-add", args=["auth", "user", sales.pk])
    assert client.post(url, {"kind": "call", "subject": "x"}).status_code == 404
    assert not Activity.objects.exists()


def test_activity_add_needs_post(client, sales):
    lead = LeadFactory(owner=sales)
    client.force_login(sales)
    assert client.get(add_url(lead)).status_code == 405


def test_complete_activity(client, sales):
    lead = LeadFactory(owner=sales)
    activity = activity_create(record=lead, owner=sales, kind="task", subject="Send quote")
    client.force_login(sales)
    response = client.get(reverse("activities"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"].object_list] == [activity.pk]
    response = client.post(reverse("activity-done", args=[activity.pk]))
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).done_at is not None
    response = client.get(reverse("activities"))
    assert list(response.context["page"].object_list) == []


def test_only_the_owner_completes_an_activity(client, sales):
    activity = activity_create(
        record=LeadFactory(owner=sales), owner=sales, kind="task", subject="Send quote"
    )
    client.force_login(user_with("sales"))
    assert client.post(reverse("activity-done", args=[activity.pk])).status_code == 404
    assert Activity.objects.get(pk=activity.pk).done_at is None


def test_activity_done_never_redirects_off_site(client, sales):
    activity = activity_create(
        record=LeadFactory(owner=sales), owner=sales, kind="task", subject="Send quote"
    )
    client.force_login(sales)
    response = client.post(
        reverse("activity-done", args=[activity.pk]), {"next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]
    response = client.post(
        reverse("activity-done", args=[activity.pk]), {"next": reverse("notifications")}
    )
    assert response["Location"] == reverse("notifications")


# --- notifications -------------------------------------------------------------------------


def test_notifications_page_and_mark_read(client, sales):
    other = user_with("sales")
    notify(recipient=sales, key="k1", title="Lead assigned: Alpha")
    notify(recipient=sales, key="k2", title="Follow up: Beta")
    notify(recipient=other, key="k1", title="Not yours")
    client.force_login(sales)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    titles = {n.title for n in response.context["page"].object_list}
    assert titles == {"Lead assigned: Alpha", "Follow up: Beta"}
    assert "Not yours" not in text(response)
    assert response.context["unread_notifications"] == 2

    response = client.post(reverse("notifications-read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    assert not Notification.objects.filter(recipient=sales, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
    response = client.get(reverse("notifications"))
    assert response.context["unread_notifications"] == 0


def test_mark_read_never_redirects_off_site(client, sales):
    client.force_login(sales)
    for target in ("https://evil.example.com/x", "//evil.example.com/x"):
        response = client.post(reverse("notifications-read"), {"next": target})
        assert response.status_code == 302
        assert "evil.example.com" not in response["Location"]
    response = client.post(reverse("notifications-read"), {"next": reverse("home")})
    assert response["Location"] == reverse("home")


def test_notify_once_per_key(sales):
    assert notify(recipient=sales, key="same", title="One") is not None
    assert notify(recipient=sales, key="same", title="Two") is None
    assert Notification.objects.filter(recipient=sales).count() == 1


def test_bell_count_is_in_every_page_context(client, sales):
    notify(recipient=sales, key="a", title="A")
    notify(recipient=sales, key="b", title="B")
    read = notify(recipient=sales, key="c", title="C")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(sales)
    for url in (reverse("home"), reverse("activities"), reverse("leads:list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["unread_notifications"] == 2, url


def test_notifications_need_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
