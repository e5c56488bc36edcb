"""The home page: what waits on this user. Each stage declares providers in its AppConfig
(`contributes.work_queue`, ltc/wiring.py) returning sections of records waiting for a
transition the user owns."""

from django.utils import timezone

from . import selectors

QUEUE_LIMIT = 10
# provider(user) -> list of {"title", "items": queryset/list, "url"} sections
PROVIDERS: list = []


def work_queue(user) -> dict:
    sections = []
    for provider in PROVIDERS:
        for section in provider(user):
            items = list(section["items"][: QUEUE_LIMIT + 1])
            section["more"] = len(items) > QUEUE_LIMIT
            section["items"] = items[:QUEUE_LIMIT]
            sections.append(section)
    now = timezone.now()
    return {
        "sections": sections,
        "follow_ups": list(selectors.due_follow_ups(user=user, now=now)[:QUEUE_LIMIT]),
        "recent_notifications": list(selectors.inbox(user=user)[:5]),
        "now": now,
    }
