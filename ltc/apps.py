from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtcConfig(AppConfig):
    """The workflow engine: transitions, their log, hand-offs, timers, sign-off gates."""

    name = "ltc"
    verbose_name = _("Lead to cash")

    def ready(self):
        from notifications.services import webhooks_for_transition

        from .api import schema  # noqa: F401  (registers the schema extensions)
        from .api.fields import use_strict_decimals
        from .transitions import transitioned
        from .wiring import wire

        transitioned.connect(webhooks_for_transition, dispatch_uid="ltc-webhooks")
        use_strict_decimals()
        # Every stage's declared contributions (records, panels, work queue, timers, flags,
        # events, follow-ups, transition services, hand-off receivers), read once.
        wire()
