from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Product
from .selectors import product_can_edit

FIELDS = ("code", "name", "description", "unit", "price", "currency", "tax_rate", "active")


@transaction.atomic
def product_save(*, user, product: Product | None = None, **fields) -> Product:
    if not product_can_edit(user=user):
        raise PermissionDenied(_("Only sales support and operations maintain the catalog."))
    product = product or Product()
    for key, value in fields.items():
        if key in FIELDS:
            setattr(product, key, value)
    product.full_clean()
    product.save()
    return product
