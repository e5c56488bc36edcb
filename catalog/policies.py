"""Who may maintain the product catalogue (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "catalog.edit",
        _("Maintain the product catalogue"),
        roles=("sales_support", "operations"),
        refusal=_("Only sales support and operations maintain products."),
    ),
    Policy(
        "catalog.import",
        _("Import products and prices from a spreadsheet"),
        roles=("sales_support", "operations"),
        refusal=_("Only sales support and operations import products."),
    ),
)
