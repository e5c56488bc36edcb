from roles.permissions import has_role

from .services import pool_entries


def pool_visible(user) -> bool:
    return user.is_superuser or has_role(user, "sales", "marketing", "manager")


def pool_list(*, user):
    return pool_entries() if pool_visible(user) else pool_entries().none()
