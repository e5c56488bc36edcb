from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from ltc import records

        from .models import Product
        from .selectors import product_list

        records.register(Product, product_list)
