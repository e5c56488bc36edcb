"""Home-page sections: the deals and quotes waiting on this user (each member of the iron
triangle sees the deal when it waits on them)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ltc.workqueue import first_by
from roles.permissions import has_role

from .models import (
    Opportunity,
    Quote,
    QuoteSignOff,
    QuoteStatus,
    SignOffDecision,
    SignOffRole,
    Stage,
)


def _signed(role):
    return Exists(
        QuoteSignOff.objects.filter(
            quote=OuterRef("pk"), role=role, decision=SignOffDecision.APPROVED
        )
    )


def opportunity_sections(user) -> list[dict]:
    sections = []
    if user.is_superuser:
        return sections
    # A quote is shown by its number: nothing of its opportunity is joined.
    quotes = Quote.objects.order_by("created_at", "pk")
    if has_role(user, "sales"):
        # The page shows an opportunity's owner (ltc/workqueue.py joins it), not its account.
        mine = Opportunity.objects.filter(owner=user)
        # The two quote sections in one query (ltc.workqueue.first_by).
        by_status = first_by(
            quotes.filter(opportunity__owner=user),
            "status",
            [QuoteStatus.APPROVED, QuoteStatus.SENT],
        )
        sections += [
            {
                "title": _("Approved quotes to send"),
                "url": reverse("opportunities:list"),
                "items": by_status[QuoteStatus.APPROVED],
            },
            {
                "title": _("Sent quotes awaiting the customer's answer"),
                "url": reverse("opportunities:list"),
                "items": by_status[QuoteStatus.SENT],
            },
            {
                "title": _("Opportunities in negotiation"),
                "url": reverse("opportunities:list") + "?stage=negotiation",
                "items": mine.filter(stage=Stage.NEGOTIATION).order_by("expected_close_date", "pk"),
            },
        ]
    if has_role(user, "sales_support"):
        live = Quote.objects.filter(
            opportunity=OuterRef("pk"),
            status__in=[QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED],
            superseded=False,
        )
        sections += [
            {
                "title": _("Opportunities waiting for a quote"),
                "url": reverse("opportunities:list") + "?stage=needs_analysis",
                "items": Opportunity.objects.filter(solution_owner=user, stage=Stage.NEEDS_ANALYSIS)
                .exclude(Exists(live))
                .order_by("stage_changed_at", "pk"),
            },
            {
                "title": _("Draft quotes to finish and submit"),
                "url": reverse("opportunities:list"),
                "items": quotes.filter(
                    status=QuoteStatus.DRAFT,
                    superseded=False,
                    opportunity__solution_owner=user,
                ),
            },
        ]
    if has_role(user, "manager"):
        sections.append(
            {
                "title": _("Quotes waiting for your sign-off"),
                "url": reverse("opportunities:list"),
                "items": quotes.filter(
                    status=QuoteStatus.PENDING_APPROVAL, needs_manager_sign_off=True
                ).exclude(_signed(SignOffRole.MANAGER)),
            }
        )
    if has_role(user, "finance"):
        sections.append(
            {
                "title": _("Quotes waiting for finance sign-off"),
                "url": reverse("opportunities:list"),
                "items": quotes.filter(
                    status=QuoteStatus.PENDING_APPROVAL, needs_finance_sign_off=True
                ).exclude(_signed(SignOffRole.FINANCE)),
            }
        )
    if has_role(user, "operations"):
        sections.append(
            {
                "title": _("Won deals to fulfil"),
                "url": reverse("opportunities:list") + "?stage=won",
                "items": Opportunity.objects.filter(
                    fulfilment_owner=user, stage=Stage.WON
                ).order_by("closed_at", "pk"),
            }
        )
    return sections
