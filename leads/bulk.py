"""Bulk actions on the lead list: assign an owner (marketing, manager), run a transition,
tag (whoever may edit the lead: marketing, its sales owner), export the selection."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register
from roles.permissions import users_with_role
from roles.policies import can

from . import services
from .selectors import lead_list


def _owner_choices(user):
    # The salespeople the single-lead assign form offers, to the roles that assign leads.
    if not can(user, "leads.assign"):
        return get_user_model().objects.none()
    return users_with_role("sales")


def _assign(*, obj, owner, user):
    return services.lead_assign(lead=obj, owner=owner, user=user)


LEADS = register(
    BulkList(
        name="leads",
        label=_("Leads"),
        queryset=lambda user: lead_list(user=user),
        assign_owner=_assign,
        owner_choices=_owner_choices,
        export="leads",
        tag_allowed=lambda user, lead: can(user, "leads.edit", lead),
    )
)
