"""The one place that answers "does this user hold this role"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from .models import Role, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def role_slugs(user: User | None) -> frozenset[str]:
    """The role slugs a user holds, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ltc_roles", None)
    if cached is None:
        valid = set(Role.values)
        cached = frozenset(n for n in user.groups.values_list("name", flat=True) if n in valid)
        user._ltc_roles = cached
    return cached


def has_role(user: User | None, *slugs: str) -> bool:
    """True if the user holds any of the roles; a superuser holds them all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(role_slugs(user).intersection(slugs))


def team_member_ids(user: User) -> set[int]:
    """Users whose records this user sees as a team lead (always including the user)."""
    cached = getattr(user, "_ltc_team_members", None)
    if cached is None:
        cached = {user.pk}
        cached.update(
            Team.members.through.objects.filter(team__lead=user).values_list("user_id", flat=True)
        )
        user._ltc_team_members = cached
    return cached


def users_with_role(slug: str):
    return (
        get_user_model().objects.filter(groups__name=slug, is_active=True).order_by("pk").distinct()
    )


class RolePermission:
    """A `permission=` for @transition: the user holds one of `roles`.

    With `owner_field`, a holder of `owner_roles` must also own the record. The role matrix
    page and the API read `roles` from here, so what is shown is what is enforced.
    """

    def __init__(self, *roles: str, owner_field: str | None = None):
        self.roles = tuple(roles)
        self.owner_field = owner_field

    def __call__(self, instance, user: User | None) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        if not has_role(user, *self.roles):
            return False
        if self.owner_field:
            return getattr(instance, f"{self.owner_field}_id") == user.pk
        return True

    def describe(self) -> str:
        labels = [str(Role(r).label) if r in Role.values else r for r in self.roles]
        text = ", ".join(labels)
        return f"{text} (owner)" if self.owner_field else text
