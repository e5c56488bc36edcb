from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompanyConfig(AppConfig):
    """The seller's own details: the header, bank account and seal of every document."""

    name = "company"
    verbose_name = _("Company")
