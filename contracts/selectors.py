"""Role-aware reads of contracts, shared by pages and the API (DESIGN.md, record visibility).

sales: contracts they own (or their team's, as team lead) or were granted (guardian);
sales support: where they are the solution owner or granted; operations (read-only), finance
and the manager: all. Other roles see none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from roles.permissions import has_role, team_member_ids

from .models import Contract, ContractUserObjectPermission

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("manager", "finance", "operations")


def _granted(user: User):
    return Exists(
        ContractUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission__codename="view_contract"
        )
    )


def contract_visibility(user: User) -> Q | None:
    """None means every contract; otherwise the filter for what `user` may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    if has_role(user, "sales"):
        rule |= Q(owner_id__in=team_member_ids(user)) | Q(_granted(user))
    if has_role(user, "sales_support"):
        rule |= Q(solution_owner_id=user.pk) | Q(_granted(user))
    return rule


def contract_list(*, user: User) -> QuerySet[Contract]:
    qs = Contract.objects.select_related(
        "account", "owner", "solution_owner", "opportunity", "quote"
    )
    rule = contract_visibility(user)
    return qs if rule is None else qs.filter(rule)
