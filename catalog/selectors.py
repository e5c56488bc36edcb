from __future__ import annotations

from typing import TYPE_CHECKING

from roles.policies import can

from .models import Product

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def product_list(*, user: User):
    """Everyone signed in reads the catalog; only its maintainers see inactive products."""
    qs = Product.objects.all()
    return qs if product_can_edit(user=user) else qs.filter(active=True)


def product_can_edit(*, user: User) -> bool:
    return can(user, "catalog.edit")
