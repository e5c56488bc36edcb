"""The columns of the contract list page (listviews): the page draws the first ones itself;
the others read what the export reads. Sorts only on indexed fields."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register

from .exports import CONTRACTS
from .forms import ContractFilterForm

CONTRACT_LIST = register(
    ListSpec(
        name="contracts",
        title=_("Contracts"),
        url_name="contracts:list",
        model="contracts.Contract",
        filter_form=ContractFilterForm,
        columns=(
            ListColumn("number", _("Contract"), sort="number"),
            ListColumn("status", _("Status"), sort="status"),
            ListColumn("total", _("Total"), numeric=True),
            ListColumn("owner", _("Owner")),
            ListColumn("end_date", _("End date")),
            ListColumn("created", _("Created"), sort="created_at", default=False),
            from_export(CONTRACTS, "opportunity"),
            from_export(CONTRACTS, "start_date"),
            from_export(CONTRACTS, "signed_on"),
        ),
    )
)
