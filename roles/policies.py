"""Who may do the actions that are not transitions (create, edit, assign, import, export, ...).

Each app declares its actions in `<app>/policies.py` as `POLICIES = (Policy(...), ...)`; this
module reads those tables (for every installed app, by that module name) and answers
`can(user, "leads.assign")`. Services enforce with `require(...)`, pages show or hide buttons
with `can(...)`, and the role matrix page lists the same tables, so what is shown is what is
enforced. Visibility (which records a role sees) stays in each app's selectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role
from .permissions import has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Policy:
    """`roles` may always act; `owner_roles` may act only on records `owns(user, record)`
    says are theirs (with no record at hand, e.g. a create form, they may)."""

    name: str
    label: str | Promise
    roles: tuple[str, ...] = ()
    owner_roles: tuple[str, ...] = ()
    owns: Callable[..., bool] | None = None
    refusal: str | Promise = ""

    def __post_init__(self):
        unknown = set(self.roles + self.owner_roles) - set(Role.values)
        if unknown:
            raise ValueError(f"{self.name}: unknown roles {sorted(unknown)}")
        if self.owner_roles and self.owns is None:
            raise ValueError(f"{self.name}: owner_roles need `owns`")

    @property
    def app_label(self) -> str:
        return self.name.split(".", 1)[0]

    def allows(self, user: User | None, record=None) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser or (self.roles and has_role(user, *self.roles)):
            return True
        if self.owner_roles and has_role(user, *self.owner_roles):
            return record is None or bool(self.owns(user, record))
        return False

    def who(self, role: str) -> str:
        """'yes', 'own' or '' for one role: a cell of the role matrix."""
        if role in self.roles:
            return "yes"
        if role in self.owner_roles:
            return "own"
        return ""


@cache
def registry() -> dict[str, Policy]:
    """Every declared policy by name, in the order of INSTALLED_APPS."""
    found: dict[str, Policy] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.policies"
        if config.name == __package__ or find_spec(module_name) is None:
            continue
        for policy in import_module(module_name).POLICIES:
            if policy.name in found:
                raise ValueError(f"policy {policy.name} is declared twice")
            found[policy.name] = policy
    return found


def get(name: str) -> Policy:
    try:
        return registry()[name]
    except KeyError as exc:
        raise LookupError(f"no policy named {name!r}; declare it in its app's policies.py") from exc


def can(user: User | None, name: str, record=None) -> bool:
    """May `user` do the action `name` (on `record`, for owner-bound roles)?"""
    return get(name).allows(user, record)


def require(user: User | None, name: str, record=None) -> None:
    """Raise PermissionDenied, with the policy's refusal text, unless `can(...)`."""
    policy = get(name)
    if not policy.allows(user, record):
        raise PermissionDenied(policy.refusal or _("Your role may not do this."))


def policy_tables() -> list[dict]:
    """The declared policies grouped by app, for the role matrix page."""
    tables: dict[str, dict] = {}
    for policy in registry().values():
        config = apps.get_app_config(policy.app_label)
        table = tables.setdefault(
            policy.app_label,
            {"app_label": policy.app_label, "app": config.verbose_name, "rows": []},
        )
        table["rows"].append(
            {
                "name": policy.name,
                "label": policy.label,
                "roles": {r: policy.who(r) for r in Role.values},
            }
        )
    return list(tables.values())
