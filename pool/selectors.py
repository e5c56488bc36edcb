from __future__ import annotations

from typing import TYPE_CHECKING

from roles.permissions import has_role

from .services import pool_entries

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def pool_visible(user: User) -> bool:
    return user.is_superuser or has_role(user, "sales", "marketing", "manager")


def pool_list(*, user: User):
    return pool_entries() if pool_visible(user) else pool_entries().none()
