"""Role-aware reads of leads, shared by pages and the API."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from roles.permissions import has_role, team_member_ids

from .models import Lead, LeadStatus, LeadUserObjectPermission

SEE_ALL = ("marketing", "manager")


def lead_visibility(user) -> Q | None:
    """None means every lead; otherwise the filter for what `user` may see."""
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    if has_role(user, "sales"):
        granted = LeadUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission__codename="view_lead"
        )
        return Q(owner_id__in=team_member_ids(user)) | Q(Exists(granted))
    return Q(pk__in=[])


def lead_list(*, user) -> QuerySet[Lead]:
    qs = Lead.objects.select_related("owner", "account")
    rule = lead_visibility(user)
    return qs if rule is None else qs.filter(rule)


def lead_can_edit(*, user, lead: Lead) -> bool:
    if lead.status == LeadStatus.CONVERTED:
        return False
    if user.is_superuser or has_role(user, "marketing"):
        return True
    return has_role(user, "sales") and lead.owner_id == user.pk
