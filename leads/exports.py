"""The columns of the lead export (list, API, bulk). Chain links: the account, contact and
opportunity a converted lead became."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register


def _opportunity_id(lead):
    # The reverse one-to-one is absent until the lead converts (an AttributeError then).
    opportunity = getattr(lead, "opportunity", None)
    return opportunity.pk if opportunity is not None else None


LEADS = register(
    Export(
        name="leads",
        title=_("Leads"),
        select_related=("owner", "opportunity"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("name", _("Name"), "name"),
            Column("company", _("Company"), "company"),
            Column("title", _("Job title"), "title"),
            Column("email", _("Email"), "email"),
            Column("phone", _("Phone"), "phone"),
            Column("source", _("Source"), "get_source_display"),
            Column("campaign", _("Campaign"), "campaign"),
            Column("status", _("Status"), "get_status_display"),
            Column("score", _("Score"), "score", "number"),
            Column("owner", _("Owner"), "owner.get_username"),
            Column("budget", _("Budget"), "budget", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("expected_close", _("Expected close"), "expected_close_date", "date"),
            Column("next_follow_up", _("Next follow-up"), "next_follow_up_at", "datetime"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("contact_id", _("Contact ID"), "contact_id", "number"),
            Column("opportunity_id", _("Opportunity ID"), _opportunity_id, "number"),
        ),
    )
)
