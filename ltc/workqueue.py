"""The home page: what waits on this user. Each stage registers a provider in
AppConfig.ready returning sections of records waiting for a transition the user owns."""

from django.utils import timezone

from notifications.selectors import inbox

QUEUE_LIMIT = 10
PROVIDERS: list = []
# (user, now) -> the user's due follow-ups, contributed by the activities app.
FOLLOW_UPS: list = []


def register(provider):
    """provider(user) -> list of {"title", "items": queryset/list, "url"} sections."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def register_follow_ups(source):
    if source not in FOLLOW_UPS:
        FOLLOW_UPS.append(source)


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
        "follow_ups": [
            item for source in FOLLOW_UPS for item in source(user=user, now=now)[:QUEUE_LIMIT]
        ],
        "recent_notifications": list(inbox(user=user)[:5]),
        "now": now,
    }
