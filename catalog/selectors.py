from roles.policies import can

from .models import Product


def product_list(*, user):
    """Everyone signed in reads the catalog; only its maintainers see inactive products."""
    qs = Product.objects.all()
    return qs if product_can_edit(user=user) else qs.filter(active=True)


def product_can_edit(*, user) -> bool:
    return can(user, "catalog.edit")
