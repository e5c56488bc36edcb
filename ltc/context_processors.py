from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roles.permissions import has_role

from .selectors import inbox

# (label, url name, roles that see it; empty = everyone signed in)
NAVIGATION = [
    (_("Work queue"), "home", ()),
    (_("Leads"), "leads:list", ("marketing", "sales", "manager")),
    (_("Accounts"), "customers:account-list", ()),
    (_("Contacts"), "customers:contact-list", ()),
    (_("Products"), "catalog:product-list", ()),
    (_("Activities"), "activities", ()),
    (_("Where work waits"), "handoffs", ("manager",)),
    (_("Role matrix"), "roles:matrix", ()),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, name, roles in NAVIGATION:
        if roles and not has_role(user, *roles):
            continue
        url = reverse(name)
        items.append(
            {
                "label": label,
                "url": url,
                "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
            }
        )
    unread = inbox(user=user).filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread}
