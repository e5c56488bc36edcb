from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")
    contributes = Contributes(
        records={
            "customers.Account": "customers.selectors.account_list",
            "customers.Contact": "customers.selectors.contact_list",
        }
    )
