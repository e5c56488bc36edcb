"""Hand-off timers of the opportunities stage (see ltc/timers.py)."""

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from ltc.timers import HandoffTimer
from roles.permissions import users_with_role

from .models import Opportunity, Quote, QuoteSignOff, QuoteStatus, SignOffDecision, Stage

# sales → sales support: an opportunity in needs analysis with no quote yet. The solution
# owner (or, unassigned, the account owner) is reminded; past the factor, the team lead or
# the managers.
OPPORTUNITY_QUOTE = HandoffTimer(
    name="opportunity_quote",
    label=_("build the quote for the opportunity"),
    waiting=lambda: (
        Opportunity.objects.filter(stage=Stage.NEEDS_ANALYSIS)
        .exclude(Exists(Quote.objects.filter(opportunity=OuterRef("pk"))))
        .select_related("owner", "solution_owner")
        .annotate(waiting_since=F("stage_changed_at"))
    ),
    owners=lambda opp: [opp.solution_owner or opp.owner],
    role="sales_support",
    default_hours=72,
)


def _sign_off_owners(quote):
    done = set(
        QuoteSignOff.objects.filter(quote=quote, decision=SignOffDecision.APPROVED).values_list(
            "role", flat=True
        )
    )
    people = []
    for role in quote.required_sign_offs():
        if role not in done:
            people += list(users_with_role(role))
    return people


# sales support → manager / finance: a quote waiting for its sign-offs.
QUOTE_SIGN_OFF = HandoffTimer(
    name="quote_sign_off",
    label=_("sign off the quote's discount"),
    waiting=lambda: (
        Quote.objects.filter(status=QuoteStatus.PENDING_APPROVAL, submitted_at__isnull=False)
        .select_related("opportunity")
        .annotate(waiting_since=F("submitted_at"))
    ),
    owners=_sign_off_owners,
    role="manager",
    default_hours=24,
)
