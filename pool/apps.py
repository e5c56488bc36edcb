from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes


class PoolConfig(AppConfig):
    name = "pool"
    verbose_name = _("Public pool")
    contributes = Contributes(
        events={"pool-return": _("A lead or account of mine went back to the pool")}
    )
