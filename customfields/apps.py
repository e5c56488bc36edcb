from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes

# The custom fields panel on the page of each record that takes custom fields.
_PANEL = (("customfields/panel.html", "customfields.selectors.panel"),)


class CustomFieldsConfig(AppConfig):
    name = "customfields"
    verbose_name = _("Custom fields")
    contributes = Contributes(
        panels={
            label: _PANEL
            for label in (
                "leads.Lead",
                "customers.Account",
                "customers.Contact",
                "opportunities.Opportunity",
                "opportunities.Quote",
                "contracts.Contract",
                "orders.Order",
                "feedback.Ticket",
                "catalog.Product",
            )
        },
        transition_checks=("customfields.services.check_required",),
        record_fields=("customfields.columns.PROVIDER",),
    )
