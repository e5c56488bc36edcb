"""Cross-cutting writes: activities and notifications."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Activity, Notification

log = logging.getLogger(__name__)


def notify(
    *, recipient, key: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """In-app notification plus email, at most once per (recipient, key).

    Returns the new notification, or None if this key was already notified.
    """
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient, key=key, title=title, body=body, url=url
            )
    except IntegrityError:
        return None
    if recipient.email:
        transaction.on_commit(lambda: _send_email(recipient.email, title, body, url))
    return note


def _send_email(address: str, title: str, body: str, url: str):
    try:
        send_mail(title, f"{body}\n\n{url}".strip(), None, [address])
    except Exception:  # an unreachable mail server must not undo the notice
        log.exception("notification email to %s failed", address)


def notification_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def activity_create(
    *, record, owner, kind, subject, notes="", due_at=None, next_follow_up_at=None, done=False
) -> Activity:
    if next_follow_up_at and next_follow_up_at < timezone.now() - timezone.timedelta(days=3650):
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
    return activity


@transaction.atomic
def activity_complete(*, activity: Activity, user) -> Activity:
    if activity.owner_id != user.pk and not user.is_superuser:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the owner can complete this activity."))
    if activity.done_at is None:
        activity.done_at = timezone.now()
        activity.save(update_fields=["done_at"])
    return activity


def notify_due_follow_ups(*, now=None) -> int:
    """Notify the owner of each due follow-up once, however often this runs.

    Covers activities and any record type that registered itself in FOLLOW_UP_SOURCES.
    """
    now = now or timezone.now()
    sent = 0
    due = Activity.objects.filter(next_follow_up_at__lte=now, done_at__isnull=True).select_related(
        "owner", "content_type"
    )
    for activity in due.iterator(chunk_size=500):
        key = f"follow-up:activity:{activity.pk}:{activity.next_follow_up_at.isoformat()}"
        if notify(
            recipient=activity.owner,
            key=key,
            title=_("Follow up: %(subject)s") % {"subject": activity.subject},
            body=_("The follow-up you planned is due."),
            url=record_url(activity.content_type, activity.object_id),
        ):
            sent += 1
    for source in FOLLOW_UP_SOURCES:
        sent += source(now)
    return sent


# Record types with their own next_follow_up_at (leads, opportunities, ...) append a callable
# (now) -> count here from their AppConfig.ready.
FOLLOW_UP_SOURCES: list = []


def record_url(content_type: ContentType, object_id: int) -> str:
    model = content_type.model_class()
    if model is None:
        return ""
    try:
        return model(pk=object_id).get_absolute_url()
    except Exception:
        return ""
