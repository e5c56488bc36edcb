"""The home page: what waits on this user. Each stage declares providers in its AppConfig
(`contributes.work_queue`, ltc/wiring.py) returning sections of records waiting for a
transition the user owns."""

from django.db.models import QuerySet
from django.utils import timezone

from notifications.selectors import inbox

QUEUE_LIMIT = 10
# provider(user) -> list of {"title", "items": queryset/list, "url"} sections
PROVIDERS: list = []
# (*, user, now) -> the user's due follow-ups (declared by the activities app)
FOLLOW_UPS: list = []
# (now) -> count: record types with their own next_follow_up_at (leads, opportunities, ...)
# notify their owners of due follow-ups; activities.services.notify_due_follow_ups runs them.
FOLLOW_UP_NOTICES: list = []


def _owner_joined(items):
    """The home page shows each item's owner: join it in the section's one query (no query
    per item), whether or not the provider asked for it."""
    if isinstance(items, QuerySet) and any(
        f.name == "owner" and f.is_relation for f in items.model._meta.concrete_fields
    ):
        return items.select_related("owner")
    return items


def work_queue(user) -> dict:
    sections = []
    for provider in PROVIDERS:
        for section in provider(user):
            items = list(_owner_joined(section["items"])[: QUEUE_LIMIT + 1])
            section["more"] = len(items) > QUEUE_LIMIT
            section["items"] = items[:QUEUE_LIMIT]
            sections.append(section)
    now = timezone.now()
    return {
        "sections": sections,
        "follow_ups": [
            item for source in FOLLOW_UPS for item in source(user=user, now=now)[:QUEUE_LIMIT]
        ],
        "recent_notifications": list(inbox(user=user)[:5]),
        "now": now,
    }
