"""Which saved views a user sees: their own, and those shared with a team they belong to or
lead. A view shared with another team is never listed, opened or counted."""

from django.db.models import Exists, OuterRef, Q

from roles.models import Team
from roles.permissions import has_role

from .models import DefaultView, SavedView


def _my_teams(user):
    return Team.objects.filter(Q(members=user) | Q(lead=user)).values("pk")


def visible_views(*, user):
    """Every view `user` may open (any list)."""
    if user is None or not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=user) | Q(shared_team__in=_my_teams(user)))


def views_for(*, user, list_name: str):
    """The views of one list the user may open, each with `is_default` (one query)."""
    return (
        visible_views(user=user)
        .filter(list_name=list_name)
        .select_related("owner", "shared_team")
        .annotate(
            is_default=Exists(
                DefaultView.objects.filter(user=user, list_name=list_name, view=OuterRef("pk"))
            )
        )
        .order_by("name", "pk")
    )


def shareable_teams(*, user):
    """The teams `user` may share a view with: any team for a manager, else the teams they
    lead."""
    if user is None or not user.is_authenticated:
        return Team.objects.none()
    if user.is_superuser or has_role(user, "manager"):
        return Team.objects.all()
    return Team.objects.filter(lead=user)
