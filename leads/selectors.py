"""Role-aware reads of leads, shared by pages and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from ltc.paging import visible_through
from roles.permissions import has_role, memo, team_member_ids
from roles.policies import can

from .models import Lead, LeadStatus, LeadUserObjectPermission

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("marketing", "manager")


def _visibility_rules(user: User) -> tuple[Q, Q | None] | None:
    """None means every lead; otherwise (owned, shared): the leads of the user (or of the
    team they lead), and the leads shared with them beyond those (None if there are none).
    The two never overlap."""
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    if not has_role(user, "sales"):
        return Q(pk__in=[]), None
    team = team_member_ids(user)
    # The shares, listed first (once per request), keep the filter index-friendly (owner
    # index OR primary key) instead of an EXISTS per row.
    shared = memo(
        user,
        "leads.shared",
        lambda: list(
            LeadUserObjectPermission.objects.filter(user=user, permission__codename="view_lead")
            .exclude(content_object__owner_id__in=team)
            .values_list("content_object_id", flat=True)
        ),
    )
    return Q(owner_id__in=team), Q(pk__in=shared) if shared else None


def lead_visibility(user: User) -> Q | None:
    """None means every lead; otherwise the filter for what `user` may see."""
    rules = _visibility_rules(user)
    if rules is None:
        return None
    owned, shared = rules
    return owned | shared if shared is not None else owned


def lead_list(*, user: User) -> QuerySet[Lead]:
    qs = Lead.objects.select_related("owner", "account")
    rules = _visibility_rules(user)
    if rules is None:
        return qs
    owned, shared = rules
    if shared is None:
        return qs.filter(owned)
    return visible_through(qs, owned, shared)  # counted apart: see ltc.paging


def lead_can_edit(*, user: User, lead: Lead) -> bool:
    if lead.status == LeadStatus.CONVERTED:
        return False
    return can(user, "leads.edit", lead)


def account_leads_panel(*, record, user: User, limit: int = 20) -> dict:
    """The account page's leads panel: the account's leads this user may see."""
    leads = lead_list(user=user).filter(account=record) if user is not None else Lead.objects.none()
    return {"leads": list(leads.select_related("owner")[:limit])}
