"""Hand-off timers of the contracts stage (see ltc/timers.py)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ltc.timers import HandoffTimer
from roles.permissions import users_with_role

from .models import Contract, ContractStatus

# sales / sales support → finance: a contract submitted for review waits for finance.
CONTRACT_REVIEW = HandoffTimer(
    name="contract_review",
    label=_("review the contract"),
    waiting=lambda: Contract.objects.filter(
        status=ContractStatus.IN_REVIEW, submitted_at__isnull=False
    ).annotate(waiting_since=F("submitted_at")),
    owners=lambda contract: list(users_with_role("finance")),
    role="finance",
    default_hours=24,
)
