"""The notification events a user can choose to receive; each stage registers its own."""

from django.utils.translation import gettext_lazy as _

EVENTS: dict[str, object] = {
    "follow-up": _("A follow-up I planned is due"),
}


def register(slug: str, label) -> None:
    EVENTS.setdefault(slug, label)
