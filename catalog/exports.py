"""The columns of the product export (list, API, importers)."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

PRODUCTS = register(
    Export(
        name="products",
        title=_("Products"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("code", _("Code"), "code"),
            Column("name", _("Product"), "name"),
            Column("description", _("Description"), "description"),
            Column("unit", _("Unit"), "unit"),
            Column("price", _("Unit price"), "price", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("tax_rate", _("Tax rate %"), "tax_rate", "number"),
            Column("active", _("Active"), "active", "bool"),
        ),
    )
)
