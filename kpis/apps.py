from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPIs")

    def ready(self):
        from ltc import events, panels

        from .ratings import RATED_HANDOFFS

        events.register("kpi-digest", _("The weekly KPI digest"))
        # The receiving role rates the hand-off on the record it takes over (one click,
        # optional): the panel sits on that record's page.
        for label in {h.model_label for h in RATED_HANDOFFS.values()}:
            panels.register(label, "kpis/includes/handoff_rating.html")
