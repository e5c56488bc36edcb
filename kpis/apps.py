from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes

# The hand-off rating panel (one click, optional) sits on the page of the record the
# receiving role takes over: the records of kpis.ratings.RATED_HANDOFFS.
RATING_PANEL = ("kpis/includes/handoff_rating.html", "kpis.selectors.handoff_rating_panel")


class KpisConfig(AppConfig):
    """The managers' view: KPI snapshots, dashboards, targets, the weekly digest, the
    lead-to-cash forecast and the chain view. It reads
    every stage and nothing imports it."""

    name = "kpis"
    verbose_name = _("KPIs")
    contributes = Contributes(
        panels={
            "leads.Lead": (RATING_PANEL,),
            "contracts.Contract": (RATING_PANEL,),
            "orders.Order": (RATING_PANEL,),
            "billing.Invoice": (RATING_PANEL,),
        },
        events={"kpi-digest": _("The weekly KPI digest")},
    )
