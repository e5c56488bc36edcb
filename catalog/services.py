from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from customfields.services import apply_values

from .models import Product
from .selectors import product_can_edit

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import User


class ProductFields(TypedDict, total=False):
    code: str
    name: str
    description: str
    unit: str
    price: Decimal
    currency: str
    tax_rate: Decimal
    active: bool


FIELDS = tuple(ProductFields.__annotations__)


@transaction.atomic
def product_save(
    *,
    user: User,
    product: Product | None = None,
    custom: dict | None = None,
    **fields: Unpack[ProductFields],
) -> Product:
    if not product_can_edit(user=user):
        raise PermissionDenied(_("Only sales support and operations maintain the catalog."))
    product = product or Product()
    for key, value in fields.items():
        if key in FIELDS:
            setattr(product, key, value)
    if custom is not None:
        apply_values(product, custom, user=user, partial=product.pk is not None)
    product.full_clean()
    product.save()
    return product
