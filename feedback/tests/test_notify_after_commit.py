"""A long title or a failing recipient never turns a committed write into an error."""

import pytest
from rest_framework.test import APIClient

from feedback.models import FeedbackItem
from notifications import services as notification_services
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def _post_item(title: str, capture):
    api = APIClient()
    api.force_authenticate(user_with("sales"))
    with capture(execute=True):
        return api.post(
            "/api/v1/feedback-items/",
            {"kind": "complaint", "category": "delivery", "title": title},
            format="json",
        )


def test_feedback_item_with_a_200_character_title_notifies_with_a_cut_title(
    django_capture_on_commit_callbacks,
):
    operations = [user_with("operations"), user_with("operations")]
    response = _post_item("x" * 200, django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    assert FeedbackItem.objects.count() == 1
    notes = Notification.objects.filter(recipient__in=operations)
    assert notes.count() == 2
    limit = Notification._meta.get_field("title").max_length
    for note in notes:
        assert len(note.title) == limit and note.title.endswith("…")


def test_one_failing_recipient_neither_fails_the_request_nor_stops_the_others(
    monkeypatch, django_capture_on_commit_callbacks
):
    broken, fine = user_with("operations"), user_with("operations")
    real = notification_services.notify

    def notify(*, recipient, **kwargs):
        if recipient == broken:
            raise RuntimeError("mail server on fire")
        return real(recipient=recipient, **kwargs)

    monkeypatch.setattr(notification_services, "notify", notify)
    response = _post_item("Boxes arrive damaged", django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    assert FeedbackItem.objects.count() == 1
    assert Notification.objects.filter(recipient=fine).count() == 1
    assert not Notification.objects.filter(recipient=broken).exists()


def test_fit_keeps_short_text_and_cuts_long_text():
    assert notification_services.fit("short", 10) == "short"
    assert notification_services.fit("abcdefghijk", 5) == "abcd…"
