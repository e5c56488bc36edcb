from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from ltc import records

        from .models import Account, Contact
        from .selectors import account_list, contact_list

        records.register(Account, account_list)
        records.register(Contact, contact_list)
