"""Role-aware reads of leads, shared by pages and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from roles.permissions import has_role, memo, team_member_ids
from roles.policies import can

from .models import Lead, LeadStatus, LeadUserObjectPermission

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("marketing", "manager")


def lead_visibility(user: User) -> Q | None:
    """None means every lead; otherwise the filter for what `user` may see."""
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    if has_role(user, "sales"):
        team = team_member_ids(user)
        # Only shares beyond the team's own leads widen the set. Listing them first (once per
        # request) keeps the filter index-friendly (owner index OR primary key) instead of an
        # EXISTS per row.
        shared = memo(
            user,
            "leads.shared",
            lambda: list(
                LeadUserObjectPermission.objects.filter(user=user, permission__codename="view_lead")
                .exclude(content_object__owner_id__in=team)
                .values_list("content_object_id", flat=True)
            ),
        )
        rule = Q(owner_id__in=team)
        return rule | Q(pk__in=shared) if shared else rule
    return Q(pk__in=[])


def lead_list(*, user: User) -> QuerySet[Lead]:
    qs = Lead.objects.select_related("owner", "account")
    rule = lead_visibility(user)
    return qs if rule is None else qs.filter(rule)


def lead_can_edit(*, user: User, lead: Lead) -> bool:
    if lead.status == LeadStatus.CONVERTED:
        return False
    return can(user, "leads.edit", lead)


def account_leads_panel(*, record, user: User, limit: int = 20) -> dict:
    """The account page's leads panel: the account's leads this user may see."""
    leads = lead_list(user=user).filter(account=record) if user is not None else Lead.objects.none()
    return {"leads": list(leads.select_related("owner")[:limit])}
