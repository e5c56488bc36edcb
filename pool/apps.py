from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolConfig(AppConfig):
    name = "pool"
    verbose_name = _("Public pool")

    def ready(self):
        from notifications import events

        events.register("pool-return", _("A lead or account of mine went back to the pool"))
