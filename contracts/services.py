"""Writes on contracts: one function per business operation, each one transaction.

Transitions with more than the generic effect are declared in ContractsConfig.contributes, so
the browser, the API and Celery all go through them (ltc.transitions.run).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customfields.services import apply_values
from ltc.handoffs import contract_signed
from ltc.records import require_visible
from ltc.signoffs import record_rejection, sign_off
from ltc.transitions import (
    perform_transition,
)
from ltc.uploads import validate_upload_size
from notifications.messages import Message, Money
from notifications.services import notify
from roles.permissions import users_with_role
from roles.policies import can, require

from .models import (
    Contract,
    ContractAttachment,
    ContractLine,
    ContractStatus,
    MilestoneTrigger,
    PaymentMilestone,
    SignOffRole,
)
from .plan import allocate

if TYPE_CHECKING:
    import datetime
    from decimal import Decimal

    from django.contrib.auth.models import User


class ContractFields(TypedDict, total=False):
    start_date: datetime.date | None
    end_date: datetime.date | None
    terms: str


class ContractLineFields(TypedDict, total=False):
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    tax_rate: Decimal


EDITABLE = tuple(ContractFields.__annotations__)
LINE_FIELDS = tuple(ContractLineFields.__annotations__)


def _assign_number(contract: Contract):
    if not contract.number:
        contract.number = f"CT-{contract.created_at:%Y}-{contract.pk:06d}"
        Contract.objects.filter(pk=contract.pk).update(number=contract.number)


# --- the hand-off from opportunities ---------------------------------------------------------
@transaction.atomic
def contract_create_from_quote(*, opportunity, quote, user: User) -> Contract:
    """The win → contract hand-off (receiver of ltc.handoffs.opportunity_won), inside the win
    transaction: a draft contract with the accepted quote's lines and prices copied, so later
    catalog or quote changes do not move it; assigned to the solution owner. Once per quote."""
    if quote is None:
        raise ValidationError({"quote": _("An accepted quote is required to draft a contract.")})
    existing = Contract.objects.filter(quote=quote, amended_from__isnull=True).first()
    if existing is not None:
        return existing
    contract = Contract.objects.create(
        opportunity=opportunity,
        quote=quote,
        account_id=opportunity.account_id,
        currency=quote.currency,
        total=quote.total,
        terms=quote.notes,
        owner_id=opportunity.owner_id,
        solution_owner_id=opportunity.solution_owner_id,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _assign_number(contract)
    ContractLine.objects.bulk_create(
        [
            ContractLine(
                contract=contract,
                position=line.position,
                product_id=line.product_id,
                description=line.description or line.product.name,
                unit=line.product.unit,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_pct=line.discount_pct,
                tax_rate=line.tax_rate,
                gross=line.gross,
                discount_amount=line.discount_amount,
                tax_amount=line.tax_amount,
                total=line.total,
            )
            for line in quote.lines.select_related("product")
        ]
    )
    if opportunity.contact_id:
        contract.signatories.add(opportunity.contact_id)
    assignee = opportunity.solution_owner or opportunity.owner
    notify(
        recipient=assignee,
        key=f"contract-drafted:{contract.pk}",
        title=Message(
            gettext_noop("Draft contract %(contract)s from the won deal %(opportunity)s"),
            contract=contract,
            opportunity=opportunity,
        ),
        body=Message(
            gettext_noop("Set the dates, signatories and payment plan, then submit it for review.")
        ),
        url=contract.get_absolute_url(),
    )
    return contract


# --- editing a draft ---------------------------------------------------------------------------
def contract_can_edit(*, user: User, contract: Contract) -> bool:
    """The account owner (sales) and the solution owner (sales support) edit drafts they may
    see; a superuser always."""
    return can(user, "contracts.edit", contract)


def _lock_editable(contract: Contract, user: User) -> Contract:
    if not contract_can_edit(user=user, contract=contract):
        raise PermissionDenied(_("Only the account owner or the solution owner edit a contract."))
    locked = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    if locked.superseded:
        raise ValidationError(_("A newer version of this contract exists; it is read-only."))
    if locked.status in (
        ContractStatus.SIGNED,
        ContractStatus.COMPLETED,
        ContractStatus.TERMINATED,
    ):
        raise ValidationError(
            _("A signed contract is read-only: amend it to change it (a new version).")
        )
    if locked.status != ContractStatus.DRAFT:
        raise ValidationError(
            _("A contract in review or approved is read-only; it must be rejected to change it.")
        )
    return locked


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    user: User,
    signatories: list | None = None,
    custom: dict | None = None,
    **fields: Unpack[ContractFields],
) -> Contract:
    locked = _lock_editable(contract, user)
    require_visible(user, signatories=list(signatories or ()))
    for key, value in fields.items():
        if key in EDITABLE:
            setattr(locked, key, value)
    if custom is not None:
        apply_values(locked, custom, user=user)
    locked.full_clean()
    locked.save()
    if signatories is not None:
        foreign = [c for c in signatories if c.account_id != locked.account_id]
        if foreign:
            raise ValidationError(
                {"signatories": _("Signatories must be contacts of the contract's account.")}
            )
        locked.signatories.set(signatories)
    return locked


def _recalculate(contract: Contract):
    """Total from the lines; percentage milestones re-allocated to the new total."""
    lines = list(contract.lines.all())
    contract.total = sum((line.total for line in lines), Decimal("0.00"))
    Contract.objects.filter(pk=contract.pk).update(total=contract.total, updated_at=timezone.now())
    milestones = list(contract.milestones.all())
    if milestones:
        amounts = allocate(
            contract.total,
            [
                {"percentage": m.percentage} if m.percentage is not None else {"amount": m.amount}
                for m in milestones
            ],
        )
        for milestone, amount in zip(milestones, amounts, strict=True):
            milestone.amount = max(amount, Decimal("0.00"))
        PaymentMilestone.objects.bulk_update(milestones, ["amount"])


@transaction.atomic
def contract_line_update(
    *, line: ContractLine, user: User, **fields: Unpack[ContractLineFields]
) -> ContractLine:
    contract = _lock_editable(line.contract, user)
    line = ContractLine.objects.get(pk=line.pk)
    for key, value in fields.items():
        if key in LINE_FIELDS and value is not None:
            setattr(line, key, value)
    line.full_clean(exclude=["contract", "gross", "discount_amount", "tax_amount", "total"])
    line.compute()
    line.save()
    _recalculate(contract)
    return line


@transaction.atomic
def contract_line_remove(*, line: ContractLine, user: User) -> None:
    contract = _lock_editable(line.contract, user)
    if contract.lines.count() <= 1:
        raise ValidationError(_("A contract keeps at least one line."))
    line.delete()
    _recalculate(contract)


@transaction.atomic
def contract_set_payment_plan(
    *, contract: Contract, user: User, milestones: list[dict]
) -> Contract:
    """Replace the payment plan (回款计划). Each milestone: name, percentage or amount (not
    both), trigger, due_date (for on_date), payment_terms_days. The allocated amounts must sum
    exactly to the contract total, or nothing changes (400 with the difference)."""
    locked = _lock_editable(contract, user)
    errors: dict[str, list[str]] = {}
    if not milestones:
        errors.setdefault("milestones", []).append(_("Give at least one milestone."))
    for i, m in enumerate(milestones, start=1):
        has_pct = m.get("percentage") is not None
        has_amount = m.get("amount") is not None
        if has_pct == has_amount:
            errors.setdefault("milestones", []).append(
                _("Milestone %(n)s: give a percentage or an amount (one of them).") % {"n": i}
            )
        if m.get("trigger") == MilestoneTrigger.ON_DATE and not m.get("due_date"):
            errors.setdefault("milestones", []).append(
                _("Milestone %(n)s: a milestone due on a date needs the date.") % {"n": i}
            )
    if errors:
        raise ValidationError(errors)
    amounts = allocate(locked.total, milestones)
    planned = sum(amounts, Decimal("0.00"))
    if planned != locked.total or any(a < 0 for a in amounts):
        raise ValidationError(
            {
                "milestones": _(
                    "The payment plan sums to %(planned)s but the contract total is %(total)s "
                    "(difference %(diff)s)."
                )
                % {"planned": planned, "total": locked.total, "diff": locked.total - planned}
            }
        )
    locked.milestones.all().delete()
    rows = []
    for position, (m, amount) in enumerate(zip(milestones, amounts, strict=True), start=1):
        row = PaymentMilestone(
            contract=locked,
            position=position,
            name=m.get("name") or _("Milestone %(n)s") % {"n": position},
            percentage=m.get("percentage"),
            amount=amount,
            trigger=m.get("trigger") or MilestoneTrigger.ON_SIGNING,
            due_date=m.get("due_date"),
            payment_terms_days=m.get("payment_terms_days", 30),
        )
        try:
            row.full_clean(exclude=["contract"])
        except ValidationError as exc:
            raise ValidationError(
                {
                    "milestones": [
                        _("Milestone %(n)s: %(error)s") % {"n": position, "error": msg}
                        for msg in exc.messages
                    ]
                }
            ) from exc
        rows.append(row)
    PaymentMilestone.objects.bulk_create(rows)
    return locked


@transaction.atomic
def contract_attachment_add(*, contract: Contract, user: User, file, name="") -> ContractAttachment:
    """Attach a file (the scanned signed copy, annexes). Allowed until the contract is
    completed or terminated: a signed copy is attached after signing."""
    require(user, "contracts.attach", contract)
    if contract.status in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        raise ValidationError(_("This contract is closed."))
    try:
        validate_upload_size(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    attachment = ContractAttachment(
        contract=contract, file=file, name=name or getattr(file, "name", ""), uploaded_by=user
    )
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def contract_amend(*, contract: Contract, user: User) -> Contract:
    """A signed contract changes by an amendment: a new draft version (same number) with the
    lines, plan, signatories and terms copied, which goes through review again. The signed
    version stays in force (and in the history) until the amendment is signed."""
    if not contract_can_edit(user=user, contract=contract):
        raise PermissionDenied(_("Only the account owner or the solution owner amend a contract."))
    old = Contract.objects.select_for_update().get(pk=contract.pk)
    if not old.is_live:
        raise ValidationError(_("Only a signed contract in force is amended."))
    if Contract.objects.filter(amended_from=old).exists():
        raise ValidationError(_("This contract already has an amendment in progress."))
    new = Contract.objects.create(
        number=old.number,
        version=old.version + 1,
        amended_from=old,
        opportunity_id=old.opportunity_id,
        quote_id=old.quote_id,
        account_id=old.account_id,
        start_date=old.start_date,
        end_date=old.end_date,
        currency=old.currency,
        total=old.total,
        terms=old.terms,
        owner_id=old.owner_id,
        solution_owner_id=old.solution_owner_id,
        created_by=user,
    )
    new.signatories.set(old.signatories.all())
    copied = [
        f.attname for f in ContractLine._meta.concrete_fields if f.name not in ("id", "contract")
    ]
    ContractLine.objects.bulk_create(
        [
            ContractLine(contract=new, **{name: getattr(line, name) for name in copied})
            for line in old.lines.all()
        ]
    )
    PaymentMilestone.objects.bulk_create(
        [
            PaymentMilestone(
                contract=new,
                position=m.position,
                name=m.name,
                percentage=m.percentage,
                amount=m.amount,
                trigger=m.trigger,
                due_date=m.due_date,
                payment_terms_days=m.payment_terms_days,
            )
            for m in old.milestones.all()
        ]
    )
    return new


# --- transitions -------------------------------------------------------------------------------
def _notify_reviewers(contract: Contract, roles):
    for role in roles:
        for person in users_with_role(role):
            notify(
                recipient=person,
                key=f"contract-review:{contract.pk}:{contract.review_round}:{role}",
                title=Message(
                    gettext_noop("Contract %(contract)s needs your review"), contract=contract
                ),
                body=Message(
                    gettext_noop("Total %(total)s, account %(account)s."),
                    total=Money(contract.total, contract.currency),
                    account=contract.account,
                ),
                url=contract.get_absolute_url(),
            )


def contract_submit_for_review(*, obj: Contract, user: User, data=None) -> Contract:
    """draft → in_review (lines, and a plan summing to the total); finance is asked to review,
    the manager too when the value threshold or the credit check requires it."""
    with transaction.atomic():
        contract = perform_transition(obj=obj, name="submit_for_review", user=user, data=data)
        _notify_reviewers(contract, contract.required_sign_offs())
    return contract


def _recheck_credit(contract: Contract) -> list[str]:
    """Finance's sign-off runs the credit check again (exposure may have grown since submit);
    returns the sign-offs it newly requires."""
    was = contract.required_sign_offs()
    contract.run_credit_check()
    contract.save(
        update_fields=["over_value_threshold", "over_credit_limit", "credit_exposure", "updated_at"]
    )
    return [r for r in contract.required_sign_offs() if r not in was]


def _sign_off(*, obj: Contract, user: User, data, role: str, name: str) -> Contract:
    """Record `role`'s sign-off in the current review round through the sign-off gate; the
    contract is approved when every required sign-off is in, whatever their order."""
    return sign_off(
        obj=obj,
        name=name,
        role=role,
        user=user,
        data=data,
        related=("account",),
        not_needed=_("This contract does not need a %(role)s sign-off."),
        prepare=_recheck_credit if role == SignOffRole.FINANCE else None,
        on_partial=lambda contract, newly: _notify_reviewers(contract, newly or []),
    )


def contract_approve(*, obj: Contract, user: User, data=None) -> Contract:
    """Finance's approval (after the credit check); the contract is approved at once unless a
    manager's sign-off is also needed (over the credit limit or the value threshold)."""
    return _sign_off(obj=obj, user=user, data=data, role=SignOffRole.FINANCE, name="approve")


def contract_manager_sign_off(*, obj: Contract, user: User, data=None) -> Contract:
    return _sign_off(
        obj=obj, user=user, data=data, role=SignOffRole.MANAGER, name="manager_sign_off"
    )


def contract_reject(*, obj: Contract, user: User, data=None) -> Contract:
    """in_review → draft with a reason, recorded as finance's rejection in this round."""

    def record(contract: Contract, fields):
        record_rejection(
            record=contract, role=SignOffRole.FINANCE, user=user, reason=fields.get("reason", "")
        )
        people = {p for p in (contract.owner, contract.solution_owner) if p is not None}
        for person in people:
            notify(
                recipient=person,
                key=f"contract-rejected:{contract.pk}:{contract.review_round}:{person.pk}",
                title=Message(
                    gettext_noop("Contract %(contract)s was rejected"), contract=contract
                ),
                body=fields.get("reason", ""),
                url=contract.get_absolute_url(),
            )

    return perform_transition(obj=obj, name="reject", user=user, data=data, effect=record)


def contract_sign(*, obj: Contract, user: User, data=None) -> Contract:
    """approved → signed with the signing date and the customer's signatory; the contract is
    read-only from now on. An amendment replaces the version it amends. Sends contract_signed
    (orders: create the order) inside the same transaction."""

    def hand_off(contract: Contract, fields):
        if contract.amended_from_id:
            Contract.objects.filter(pk=contract.amended_from_id).update(
                superseded=True, updated_at=timezone.now()
            )
        contract_signed.send(sender=Contract, instance=contract, user=user)

    return perform_transition(obj=obj, name="sign", user=user, data=data, effect=hand_off)


def contract_complete(*, contract: Contract) -> Contract:
    """signed → completed, run by the system (billing calls it when every order is delivered
    and every milestone invoiced and paid)."""
    return perform_transition(obj=contract, name="complete", user=None, system=True)


# --- renewal reminders -------------------------------------------------------------------------
def remind_renewals(*, today: datetime.date | None = None) -> int:
    """Remind the owner of each signed contract whose end date is near: once per contract and
    threshold (settings.LTC["RENEWAL_REMINDER_DAYS"], e.g. [60, 30]). When several thresholds
    are already passed, only the nearest is sent. Idempotent: notifications.services.notify keys."""
    today = today or timezone.localdate()
    days = sorted(int(d) for d in settings.LTC["RENEWAL_REMINDER_DAYS"])
    if not days:
        return 0
    horizon = today + datetime.timedelta(days=days[-1])
    due = Contract.objects.filter(
        status=ContractStatus.SIGNED,
        superseded=False,
        end_date__isnull=False,
        end_date__gte=today,
        end_date__lte=horizon,
    ).select_related("owner", "account")
    sent = 0
    for contract in due.iterator(chunk_size=500):
        left = (contract.end_date - today).days
        threshold = next(d for d in days if left <= d)
        if notify(
            recipient=contract.owner,
            key=f"contract-renewal:{contract.pk}:{threshold}",
            title=Message(
                gettext_noop("Contract %(contract)s with %(account)s ends in %(days)s days"),
                contract=contract,
                account=contract.account,
                days=left,
            ),
            body=Message(
                gettext_noop("Time to talk about the renewal (ends on %(date)s)."),
                date=contract.end_date.isoformat(),
            ),
            url=contract.get_absolute_url(),
        ):
            sent += 1
    return sent
