"""Home-page sections: the contracts waiting on this user, oldest first."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from roles.permissions import has_role

from .models import Contract, ContractSignOff, ContractStatus, SignOffDecision, SignOffRole


def _signed(role):
    return Exists(
        ContractSignOff.objects.filter(
            contract=OuterRef("pk"),
            review_round=OuterRef("review_round"),
            role=role,
            decision=SignOffDecision.APPROVED,
        )
    )


def contract_sections(user) -> list[dict]:
    sections = []
    if user.is_superuser:
        return sections
    # The page shows a contract's owner (ltc/workqueue.py joins it), not its account.
    contracts = Contract.objects.filter(superseded=False)
    if has_role(user, "sales_support", "sales"):
        sections.append(
            {
                "title": _("Draft contracts to complete and submit"),
                "url": "/contracts/?status=draft",
                "items": contracts.filter(status=ContractStatus.DRAFT)
                .filter(Q(solution_owner=user) | Q(owner=user, solution_owner__isnull=True))
                .order_by("created_at", "pk"),
            }
        )
    if has_role(user, "finance"):
        sections.append(
            {
                "title": _("Contracts waiting for finance review"),
                "url": "/contracts/?status=in_review",
                "items": contracts.filter(status=ContractStatus.IN_REVIEW)
                .exclude(_signed(SignOffRole.FINANCE))
                .order_by("submitted_at", "pk"),
            }
        )
    if has_role(user, "manager"):
        sections.append(
            {
                "title": _("Contracts waiting for your sign-off"),
                "url": "/contracts/?status=in_review",
                "items": contracts.filter(status=ContractStatus.IN_REVIEW)
                .filter(Q(over_value_threshold=True) | Q(over_credit_limit=True))
                .exclude(_signed(SignOffRole.MANAGER))
                .order_by("submitted_at", "pk"),
            }
        )
    if has_role(user, "sales"):
        sections.append(
            {
                "title": _("Approved contracts to sign"),
                "url": "/contracts/?status=approved",
                "items": contracts.filter(status=ContractStatus.APPROVED, owner=user).order_by(
                    "approved_at", "pk"
                ),
            }
        )
    return sections
