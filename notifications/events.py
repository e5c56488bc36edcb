"""The notification events a user can choose to receive; each stage declares its own in its
AppConfig (`contributes.events`, ltc/wiring.py)."""

from django.utils.translation import gettext_lazy as _

EVENTS: dict[str, object] = {
    "follow-up": _("A follow-up I planned is due"),
}
