"""Role-aware reads of accounts and contacts, shared by pages and the API."""

from django.db.models import Q, QuerySet

from roles.permissions import has_role, team_member_ids
from roles.policies import can

from .models import Account, Contact

# Roles that see every account: they serve or bill whoever the customer is.
SEE_ALL = ("marketing", "manager", "operations", "finance", "service", "sales_support")


def account_visibility(user) -> Q | None:
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    if has_role(user, "sales"):
        return Q(owner_id__in=team_member_ids(user))
    return Q(pk__in=[])


def account_list(*, user) -> QuerySet[Account]:
    qs = Account.objects.select_related("owner")
    rule = account_visibility(user)
    return qs if rule is None else qs.filter(rule)


def contact_list(*, user) -> QuerySet[Contact]:
    qs = Contact.objects.select_related("account")
    rule = account_visibility(user)
    if rule is None:
        return qs
    return qs.filter(account__in=Account.objects.filter(rule))


def account_can_edit(*, user, account: Account | None = None) -> bool:
    """Marketing and sales maintain customer data; sales only their own accounts."""
    return can(user, "customers.edit", account)
