"""Internal collaboration (内部协作满意度): the hand-offs a receiving role may rate, and the
one service that records a rating."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ltc.records import visible
from roles.permissions import has_role


@dataclass(frozen=True)
class RatedHandoff:
    key: str
    label: object
    model_label: str  # the record the receiving role takes over
    roles: tuple[str, ...]  # who receives it


RATED_HANDOFFS = {
    h.key: h
    for h in (
        RatedHandoff("lead_handover", _("Marketing → sales: the lead"), "leads.lead", ("sales",)),
        RatedHandoff(
            "contract_review",
            _("Sales → finance: the contract for review"),
            "contracts.contract",
            ("finance", "sales_support"),
        ),
        RatedHandoff(
            "order_fulfilment", _("Sales → operations: the order"), "orders.order", ("operations",)
        ),
        RatedHandoff(
            "delivery_billing",
            _("Operations → finance: the delivered order to invoice"),
            "billing.invoice",
            ("finance",),
        ),
    )
}


def handoffs_for(record, user) -> list[RatedHandoff]:
    label = record._meta.label_lower
    return [
        h for h in RATED_HANDOFFS.values() if h.model_label == label and has_role(user, *h.roles)
    ]


def handoff_rate(*, user, record, handoff: str, score: int):
    """Record (or change) the user's 1–5 rating of a hand-off on a record they can see."""
    from .models import HandoffRating

    spec = RATED_HANDOFFS.get(handoff)
    if spec is None or spec.model_label != record._meta.label_lower:
        raise ValidationError({"handoff": _("Unknown hand-off for this record.")})
    if not has_role(user, *spec.roles):
        raise PermissionDenied(_("Only the receiving role rates this hand-off."))
    if not visible(type(record), user).filter(pk=record.pk).exists():
        raise PermissionDenied
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a score from 1 to 5.")})
    with transaction.atomic():
        rating, _created = HandoffRating.objects.update_or_create(
            handoff=handoff,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            rated_by=user,
            defaults={"score": score, "rated_at": timezone.now()},
        )
    return rating
