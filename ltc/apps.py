from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtcConfig(AppConfig):
    """The workflow engine: transitions, their log, hand-offs, timers, sign-off gates."""

    name = "ltc"
    verbose_name = _("Lead to cash")

    def ready(self):
        from django.core.signals import request_started

        from notifications.services import webhooks_for_transition
        from roles.permissions import new_request

        from .api import schema  # noqa: F401  (registers the schema extensions)
        from .api.fields import use_strict_decimals
        from .transitions import transitioned
        from .wiring import wire

        transitioned.connect(webhooks_for_transition, dispatch_uid="ltc-webhooks")
        # Each request starts a new per-request cache of its user's roles and permissions.
        request_started.connect(new_request, dispatch_uid="roles-request-cache")
        use_strict_decimals()
        # Every stage's declared contributions (records, panels, work queue, timers, flags,
        # events, follow-ups, transition services, hand-off receivers), read once.
        wire()
