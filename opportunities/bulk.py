"""Bulk actions on the opportunity list: assign the account owner, add a solution owner
(sales support) or fulfilment owner (operations) to the deal team, run a transition, tag,
export the selection. Each record goes through `opportunity_assign_team`, which checks that
the caller may assign that deal's team and that the person holds the role."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register
from roles.permissions import has_role, team_member_ids, users_with_role

from . import services
from .selectors import opportunity_list


def _owner_choices(user):
    """A manager gives deals to any salesperson, a salesperson within their own team."""
    if user.is_superuser or has_role(user, "manager"):
        return users_with_role("sales")
    if has_role(user, "sales"):
        return users_with_role("sales").filter(pk__in=team_member_ids(user))
    return get_user_model().objects.none()


def _team_choices(user):
    if not (user.is_superuser or has_role(user, "manager", "sales")):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=("sales_support", "operations")),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _assign(*, obj, owner, user):
    return services.opportunity_assign_team(opportunity=obj, user=user, owner=owner)


def _add_to_team(*, obj, member, user):
    # The member's role says which seat of the deal team they take.
    field = "solution_owner" if has_role(member, "sales_support") else "fulfilment_owner"
    return services.opportunity_assign_team(opportunity=obj, user=user, **{field: member})


OPPORTUNITIES = register(
    BulkList(
        name="opportunities",
        label=_("Opportunities"),
        queryset=lambda user: opportunity_list(user=user),
        assign_owner=_assign,
        owner_choices=_owner_choices,
        add_to_team=_add_to_team,
        team_choices=_team_choices,
        export="opportunities",
    )
)
