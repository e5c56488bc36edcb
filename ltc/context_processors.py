from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from notifications.selectors import inbox
from roles.permissions import has_role

# (label, url name, roles that see it; empty = everyone signed in)
NAVIGATION = [
    (_("Work queue"), "home", ()),
    (_("Leads"), "leads:list", ("marketing", "sales", "manager")),
    (
        _("Opportunities"),
        "opportunities:board",
        ("sales", "sales_support", "operations", "manager"),
    ),
    (_("Accounts"), "customers:account-list", ()),
    (_("Contacts"), "customers:contact-list", ()),
    (_("Products"), "catalog:product-list", ()),
    (
        _("Contracts"),
        "contracts:list",
        ("sales", "sales_support", "operations", "finance", "manager"),
    ),
    (_("Orders"), "orders:list", ("sales", "operations", "service", "manager")),
    (_("Invoices"), "billing:invoice-list", ("finance", "manager", "sales", "marketing")),
    (_("Receivables"), "billing:aging", ("finance", "manager")),
    (_("Tickets"), "feedback:ticket-list", ("service", "operations", "sales", "manager")),
    (_("Customers at risk"), "feedback:flag-list", ("service", "sales", "manager")),
    (_("Market feedback"), "feedback:item-list", ("sales", "service", "marketing", "operations")),
    (_("Public pool"), "pool:list", ("sales", "marketing", "manager")),
    (_("Activities"), "activities", ()),
    (_("Where work waits"), "handoffs", ("manager",)),
    (_("KPIs"), "kpis:overview", ()),
    (_("Forecast"), "kpis:forecast", ("sales", "sales_support", "finance", "manager")),
    (_("Role matrix"), "role-matrix", ()),
    (
        _("Import data"),
        "imports",
        ("marketing", "sales", "sales_support", "operations", "finance"),
    ),
    (_("Company details"), "company:settings", ("manager",)),
    (_("Business rules"), "rules:settings", ("manager",)),
    (_("Custom fields"), "customfields:list", ("manager",)),
]


@cache
def _url(name: str, prefix: str, urlconf: str) -> str:
    """The address of a navigation entry, computed once per script prefix and URLconf."""
    return reverse(name)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, name, roles in NAVIGATION:
        if roles and not has_role(user, *roles):
            continue
        url = _url(name, get_script_prefix(), getattr(request, "urlconf", settings.ROOT_URLCONF))
        matches = request.path.startswith(url) and (url != "/" or request.path == "/")
        items.append({"label": label, "url": url, "active": matches})
    # Only the most specific match is the current page (the forecast, not also the KPIs).
    longest = max((len(i["url"]) for i in items if i["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["url"]) == longest
    unread = inbox(user=user).filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread}
