"""The columns of the opportunity list page (listviews): the page draws the first ones
itself; the others read what the export reads. Sorts only on indexed fields."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register
from roles.permissions import has_role

from .exports import OPPORTUNITIES
from .forms import OpportunityFilterForm

OPPORTUNITY_LIST = register(
    ListSpec(
        name="opportunities",
        title=_("Opportunities"),
        url_name="opportunities:list",
        model="opportunities.Opportunity",
        filter_form=OpportunityFilterForm,
        only_for=lambda user: has_role(user, "sales", "sales_support", "operations", "manager"),
        columns=(
            ListColumn("name", _("Opportunity")),
            ListColumn("stage", _("Stage"), sort="stage"),
            ListColumn("amount", _("Amount"), numeric=True),
            ListColumn("probability", _("Probability"), numeric=True),
            ListColumn("expected_close", _("Expected close")),
            ListColumn("owner", _("Owner")),
            ListColumn("created", _("Created"), sort="created_at", default=False),
            from_export(OPPORTUNITIES, "contact"),
            from_export(OPPORTUNITIES, "solution_owner"),
            from_export(OPPORTUNITIES, "next_step"),
        ),
    )
)
