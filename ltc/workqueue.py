"""The home page: what waits on this user. Each stage registers a provider in
AppConfig.ready returning sections of records waiting for a transition the user owns."""

from django.utils import timezone

from . import selectors

QUEUE_LIMIT = 10
PROVIDERS: list = []


def register(provider):
    """provider(user) -> list of {"title", "items": queryset/list, "url"} sections."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


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
