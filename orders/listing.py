"""The columns of the order list page (listviews): the page draws the first ones itself;
the others read what the export reads. Sorts only on indexed fields."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register
from roles.permissions import has_role

from .exports import ORDERS
from .forms import OrderFilterForm

ORDER_LIST = register(
    ListSpec(
        name="orders",
        title=_("Orders"),
        url_name="orders:list",
        model="orders.Order",
        filter_form=OrderFilterForm,
        only_for=lambda user: has_role(user, "sales", "operations", "service", "manager"),
        columns=(
            ListColumn("number", _("Order"), sort="number"),
            ListColumn("status", _("Status"), sort="status"),
            ListColumn("total", _("Total"), numeric=True),
            ListColumn("confirmed", _("Confirmed")),
            ListColumn("promised", _("Promised")),
            ListColumn("created", _("Created"), sort="created_at", default=False),
            from_export(ORDERS, "contract"),
            from_export(ORDERS, "owner"),
            from_export(ORDERS, "shipped_at"),
            from_export(ORDERS, "delivered_on"),
        ),
    )
)
