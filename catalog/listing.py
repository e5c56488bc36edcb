"""The columns of the product list page (listviews): the page draws the first ones itself;
the others read what the product export reads. Sorts only on indexed fields; the custom
fields of products are columns too."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register

from .exports import PRODUCTS
from .forms import ProductFilterForm

PRODUCT_LIST = register(
    ListSpec(
        name="products",
        title=_("Products"),
        url_name="catalog:product-list",
        model="catalog.Product",
        filter_form=ProductFilterForm,
        columns=(
            ListColumn("code", _("Code"), sort="code"),
            ListColumn("name", _("Product")),
            ListColumn("unit", _("Unit"), value="unit_label"),
            ListColumn("price", _("Unit price"), numeric=True),
            ListColumn("tax", _("Tax"), numeric=True),
            ListColumn("status", _("Status")),
            from_export(PRODUCTS, "description"),
            from_export(PRODUCTS, "currency"),
        ),
    )
)
