from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")
    contributes = Contributes(records={"catalog.Product": "catalog.selectors.product_list"})
