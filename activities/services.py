"""Writes of activities, and the follow-up reminders."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ltc import workqueue
from ltc.faults import fault_point
from notifications.messages import Message
from notifications.services import notify

from .models import Activity


@transaction.atomic
def activity_create(
    *, record, owner, kind, subject, notes="", due_at=None, next_follow_up_at=None, done=False
) -> Activity:
    if next_follow_up_at and next_follow_up_at < timezone.now() - datetime.timedelta(days=3650):
        raise ValidationError({"next_follow_up_at": _("Enter a realistic date.")})
    activity = Activity(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        kind=kind,
        subject=subject,
        notes=notes,
        owner=owner,
        due_at=due_at,
        next_follow_up_at=next_follow_up_at,
        done_at=timezone.now() if done else None,
    )
    activity.full_clean()
    activity.save()
    touch = getattr(record, "record_activity", None)
    if touch is not None:
        touch(activity)
    # An activity on a contact, a deal, an order, an invoice or a ticket is also the
    # customer's last activity (the account page, the public pool's idle rule).
    account = getattr(record, "account", None)
    touch_account = getattr(account, "record_activity", None)
    if touch_account is not None and account is not record:
        touch_account(activity)
    return activity


@transaction.atomic
def activity_complete(*, activity: Activity, user) -> Activity:
    if activity.owner_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("Only the owner can complete this activity."))
    if activity.done_at is None:
        activity.done_at = timezone.now()
        activity.save(update_fields=["done_at"])
    return activity


def notify_due_follow_ups(*, now=None) -> int:
    """Notify the owner of each due follow-up once, however often this runs.

    Covers activities and every record type a stage declares in `contributes.follow_ups`
    (ltc/wiring.py).
    """
    now = now or timezone.now()
    sent = 0
    due = Activity.objects.filter(next_follow_up_at__lte=now, done_at__isnull=True).select_related(
        "owner", "content_type"
    )
    for activity in due.iterator(chunk_size=500):
        due_at: datetime.datetime = activity.next_follow_up_at  # type: ignore[assignment]
        key = f"follow-up:activity:{activity.pk}:{due_at.isoformat()}"
        if notify(
            recipient=activity.owner,
            key=key,
            title=Message(gettext_noop("Follow up: %(subject)s"), subject=activity.subject),
            body=Message(gettext_noop("The follow-up you planned is due.")),
            url=record_url(activity.content_type, activity.object_id),
        ):
            sent += 1
        fault_point("follow-up")
    for source in workqueue.FOLLOW_UP_NOTICES:
        sent += source(now)
    return sent


def record_url(content_type: ContentType, object_id: int) -> str:
    model = content_type.model_class()
    if model is None:
        return ""
    absolute_url = getattr(model(pk=object_id), "get_absolute_url", None)
    return absolute_url() if absolute_url else ""
