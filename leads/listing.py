"""The columns of the lead list page (listviews): the page draws the first ones itself; the
others read what the lead export reads. Sorts only on indexed fields."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register
from roles.permissions import has_role

from .exports import LEADS
from .forms import LeadFilterForm

LEAD_LIST = register(
    ListSpec(
        name="leads",
        title=_("Leads"),
        url_name="leads:list",
        model="leads.Lead",
        filter_form=LeadFilterForm,
        only_for=lambda user: has_role(user, "marketing", "sales", "manager"),
        columns=(
            ListColumn("name", _("Lead")),
            ListColumn("status", _("Status"), sort="status"),
            from_export(LEADS, "source", sort="source", default=True),
            ListColumn("owner", _("Owner")),
            ListColumn("score", _("Score"), sort="score"),
            ListColumn("created", _("Created"), sort="created_at"),
            from_export(LEADS, "company"),
            from_export(LEADS, "title"),
            from_export(LEADS, "email"),
            from_export(LEADS, "phone"),
            from_export(LEADS, "campaign"),
            from_export(LEADS, "budget"),
            from_export(LEADS, "expected_close"),
            from_export(LEADS, "next_follow_up"),
        ),
    )
)
