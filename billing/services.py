"""Writes on invoices, payments, credit notes and bank statements: one function per business
operation, each one transaction (DESIGN.md, Invoice and Payment).

Money rules: allocations only to the same account's open invoices in the same currency, never
more than the invoice's balance nor the payment's unallocated amount; invoice rows are locked
(SELECT ... FOR UPDATE, in id order) before their figures change, and the database check
constraints are the last line. Transitions with effects are declared in
BillingConfig.contributes so the browser, the API and Celery all run them.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ltc.faults import fault_point
from ltc.records import require_visible
from ltc.transitions import perform_transition
from notifications import outbox
from notifications.messages import Message, Money
from notifications.services import notify
from roles.permissions import users_with_role
from roles.policies import require

from .arithmetic import ZERO, milestone_lines, money
from .models import (
    OPEN_STATES,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentStatus,
    milestone_line_text,
)
from .numbering import next_number

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)
S = InvoiceStatus
DEFAULT_TERMS_DAYS = 30
LINE_FIELDS = ("description", "quantity", "unit_price", "tax_rate")


def amount_arg(value, field: str = "amount", *, positive: bool = True) -> Decimal:
    """A money amount from user input: a Decimal with at most two decimals, above zero."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount such as 1250.00.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount such as 1250.00.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("At most two decimal places.")})
    if positive and amount <= 0:
        raise ValidationError({field: _("The amount must be above zero.")})
    return money(amount)


# --- drafting ---------------------------------------------------------------------------------
def _notify_finance_draft(invoice: Invoice):
    for person in users_with_role("finance"):
        notify(
            recipient=person,
            key=f"invoice-drafted:{invoice.pk}",
            title=Message(
                gettext_noop("Draft invoice for %(account)s to issue: %(total)s"),
                account=invoice.account,
                total=Money(invoice.total, invoice.currency),
            ),
            body=Message(
                gettext_noop("Check it and issue it (number, PDF, email to the billing contact).")
            ),
            url=invoice.get_absolute_url(),
        )


@transaction.atomic
def invoice_draft_from_milestone(*, milestone, user: User | None = None) -> Invoice:
    """A draft invoice for one payment milestone whose trigger happened (the sign / delivery
    hand-offs, the daily task for dated milestones, or finance by hand). Once per milestone:
    a second call answers the existing (not void) invoice."""
    from contracts.models import PaymentMilestone

    milestone = PaymentMilestone.objects.select_for_update().get(pk=milestone.pk)
    existing = Invoice.objects.filter(milestone=milestone).exclude(status=S.VOID).first()
    if existing is not None:
        return existing
    contract = milestone.contract
    invoice = Invoice.objects.create(
        account_id=contract.account_id,
        contract=contract,
        milestone=milestone,
        currency=contract.currency,
        payment_terms_days=milestone.payment_terms_days,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    label = milestone.name
    if milestone.percentage is not None:
        label = f"{label} ({milestone.percentage.normalize():f}%)"
    parts = milestone_lines(milestone.amount, contract.lines.all())
    lines = []
    for i, part in enumerate(parts):
        text = {"milestone": label, "contract": str(contract.number or contract.pk)}
        if len(parts) > 1:
            text["rate"] = f"{part['tax_rate'].normalize():f}"
        line = InvoiceLine(
            invoice=invoice,
            position=i,
            description=milestone_line_text(text)[:300],
            milestone_text=text,
            quantity=Decimal("1"),
            unit_price=part["unit_price"],
            tax_rate=part["tax_rate"],
        )
        line.compute()
        lines.append(line)
    InvoiceLine.objects.bulk_create(lines)
    invoice.set_totals(lines)
    invoice.save()
    _notify_finance_draft(invoice)
    return invoice


@transaction.atomic
def invoice_raise_for_milestone(*, milestone, user: User) -> Invoice:
    """Finance raises a milestone's invoice by hand (from the contract page or the API), e.g.
    when the customer pays ahead of the trigger. The draft is tied to the milestone, so it
    counts against it: the trigger's hand-off later answers this invoice instead of drafting a
    second one. A milestone already invoiced answers its invoice."""
    from contracts.models import ContractStatus, PaymentMilestone

    require(user, "billing.invoice")
    milestone = PaymentMilestone.objects.select_related("contract").get(pk=milestone.pk)
    contract = milestone.contract
    if contract.status != ContractStatus.SIGNED or contract.superseded:
        raise ValidationError(
            {"milestone": _("Only the milestones of a signed contract are invoiced.")}
        )
    return invoice_draft_from_milestone(milestone=milestone, user=user)


def draft_for_trigger(*, contract, trigger: str, user: User | None = None) -> list[Invoice]:
    return [
        invoice_draft_from_milestone(milestone=m, user=user)
        for m in contract.milestones.filter(trigger=trigger).order_by("position", "pk")
    ]


def invoices_for_signed_contract(*, contract, user=None) -> list[Invoice]:
    """contract_signed: the invoice drafts of the on-signing milestones."""
    from contracts.models import MilestoneTrigger

    return draft_for_trigger(contract=contract, trigger=MilestoneTrigger.ON_SIGNING, user=user)


def invoices_for_delivered_order(*, order, user=None) -> list[Invoice]:
    """order_delivered: the invoice drafts of the on-delivery milestones; then the contract
    completes if the delivery was the last thing it waited for (everything already paid)."""
    from contracts.models import MilestoneTrigger

    drafts = draft_for_trigger(
        contract=order.contract, trigger=MilestoneTrigger.ON_DELIVERY, user=user
    )
    contract_complete_if_done(contract=order.contract, user=user)
    return drafts


def invoices_for_accepted_order(*, order, user=None) -> list[Invoice]:
    """order_accepted: the invoice drafts of the on-acceptance milestones; then the contract
    completes if the acceptance was the last thing it waited for (everything already paid)."""
    from contracts.models import MilestoneTrigger

    drafts = draft_for_trigger(
        contract=order.contract, trigger=MilestoneTrigger.ON_ACCEPTANCE, user=user
    )
    contract_complete_if_done(contract=order.contract, user=user)
    return drafts


# --- contract completion ------------------------------------------------------------------------
def contract_is_done(contract) -> bool:
    """Every order done, every milestone invoiced, and every invoice paid. An order is done
    once delivered or accepted; where the plan has an on-acceptance milestone, only once the
    customer has accepted it. Billing decides it because billing comes after orders and sees
    both."""
    from contracts.models import MilestoneTrigger
    from orders.models import Order, OrderStatus

    milestones = list(contract.milestones.all())
    finished = {OrderStatus.DELIVERED, OrderStatus.ACCEPTED}
    if any(m.trigger == MilestoneTrigger.ON_ACCEPTANCE for m in milestones):
        finished = {OrderStatus.ACCEPTED}
    orders = [
        o.status
        for o in Order.objects.filter(contract=contract).exclude(status=OrderStatus.CANCELLED)
    ]
    if not orders or any(status not in finished for status in orders):
        return False
    invoices = list(Invoice.objects.filter(contract=contract).exclude(status=S.VOID))
    if any(invoice.status != S.PAID for invoice in invoices):
        return False
    invoiced = {invoice.milestone_id for invoice in invoices}
    return all(m.pk in invoiced for m in milestones)


def contract_complete_if_done(*, contract, user=None) -> bool:
    """Complete a signed contract when it is done (see contract_is_done), whichever came last:
    the last payment, delivery or acceptance. Runs inside the caller's transaction."""
    from contracts.models import Contract, ContractStatus
    from contracts.services import contract_complete

    if contract is None:
        return False
    contract = Contract.objects.get(pk=contract.pk)
    if contract.status != ContractStatus.SIGNED or not contract_is_done(contract):
        return False
    contract_complete(contract=contract)
    return True


def draft_dated_milestones(*, today: datetime.date | None = None) -> int:
    """Milestones of signed contracts whose date has come and that have no invoice yet."""
    from contracts.models import ContractStatus, MilestoneTrigger, PaymentMilestone

    today = today or timezone.localdate()
    due = PaymentMilestone.objects.filter(
        trigger=MilestoneTrigger.ON_DATE,
        due_date__lte=today,
        contract__status=ContractStatus.SIGNED,
        contract__superseded=False,
    ).exclude(invoices__status__in=[s for s in S.values if s != S.VOID])
    count = 0
    for milestone in due:
        invoice_draft_from_milestone(milestone=milestone)
        count += 1
    return count


def _clean_lines(lines: list[dict]) -> list[InvoiceLine]:
    if not lines:
        raise ValidationError({"lines": _("An invoice needs at least one line.")})
    built, errors = [], {}
    for i, data in enumerate(lines):
        try:
            line = InvoiceLine(
                position=i,
                description=str(data.get("description") or "").strip(),
                quantity=Decimal(str(data.get("quantity", "1"))),
                unit_price=amount_arg(data.get("unit_price"), "unit_price", positive=False),
                tax_rate=Decimal(str(data.get("tax_rate", "0"))),
            )
            line.compute()
            line.full_clean(exclude=["invoice"])
        except ValidationError as exc:
            errors[f"lines[{i}]"] = exc.messages
            continue
        except (InvalidOperation, ValueError):
            errors[f"lines[{i}]"] = [_("Enter numbers for quantity, price and tax rate.")]
            continue
        built.append(line)
    if errors:
        raise ValidationError(errors)
    return built


@transaction.atomic
def invoice_create(
    *,
    user: User,
    account,
    lines: list[dict],
    currency: str | None = None,
    contract=None,
    payment_terms_days: int = DEFAULT_TERMS_DAYS,
    notes: str = "",
) -> Invoice:
    """A draft invoice entered by finance (lines: description, quantity, unit_price,
    tax_rate)."""
    require(user, "billing.invoice")
    require_visible(user, account=account, contract=contract)
    currency = currency or account.currency
    if contract is not None:
        if contract.account_id != account.pk:
            raise ValidationError({"contract": _("The contract belongs to another account.")})
        if contract.currency != currency:
            raise ValidationError(
                {"currency": _("The contract is in %(c)s.") % {"c": contract.currency}}
            )
    built = _clean_lines(lines)
    invoice = Invoice(
        account=account,
        contract=contract,
        currency=currency,
        payment_terms_days=payment_terms_days,
        notes=notes,
        created_by=user,
    )
    invoice.full_clean(exclude=["status"])
    invoice.save()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    invoice.set_totals(built)
    invoice.save()
    return invoice


class InvoiceFields(TypedDict, total=False):
    notes: str
    payment_terms_days: int


@transaction.atomic
def invoice_update(
    *,
    invoice: Invoice,
    user: User,
    lines: list[dict] | None = None,
    **fields: Unpack[InvoiceFields],
) -> Invoice:
    """Change a draft (notes, payment terms, lines). An issued invoice is refused: it is
    corrected by a credit note."""
    require(user, "billing.invoice")
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != S.DRAFT:
        raise ValidationError(
            {"non_field_errors": [_("An issued invoice cannot be edited; issue a credit note.")]}
        )
    for name in ("notes", "payment_terms_days"):
        if name in fields:
            setattr(locked, name, fields.pop(name))
    if fields:
        raise ValidationError({k: _("This field cannot be changed.") for k in fields})
    locked.full_clean(exclude=["status"])
    if lines is not None:
        built = _clean_lines(lines)
        locked.lines.all().delete()
        for line in built:
            line.invoice = locked
        InvoiceLine.objects.bulk_create(built)
    else:
        built = list(locked.lines.all())
    locked.set_totals(built)
    locked.save()
    return locked


def invoice_delete_draft(*, invoice: Invoice, user: User) -> None:
    require(user, "billing.invoice")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        locked.delete()  # refuses anything but a draft


# --- issue and void ---------------------------------------------------------------------------
def billing_address(invoice: Invoice) -> str:
    contact = (
        invoice.account.contacts.filter(is_billing=True).exclude(email="").order_by("pk").first()
    )
    return contact.email if contact else ""


def invoice_pdf_attachment(pk: int) -> tuple[str, bytes, str]:
    """The outbox attachment of an invoice email: the issued invoice's PDF."""
    from .pdf import invoice_pdf

    invoice = Invoice.objects.select_related("account").get(pk=pk)
    # In the language of the contact it goes to.
    contact = invoice.account.contacts.filter(email=invoice.emailed_to).first()
    language = contact.language if contact is not None and contact.language else None
    return f"{invoice.number}.pdf", invoice_pdf(invoice, language=language), "application/pdf"


def _queue_invoice_email(invoice: Invoice) -> None:
    """The invoice email with its PDF, written to the outbox in the issue's transaction."""
    outbox.queue_email(
        to=[invoice.emailed_to],
        subject=_("Invoice %(number)s from %(company)s")
        % {"number": invoice.number, "company": settings.LTC.get("COMPANY_NAME", "LTC CRM")},
        body=_(
            "Dear customer,\n\nplease find attached invoice %(number)s over %(total)s "
            "%(currency)s, "
            "due on %(due)s.\n"
        )
        % {
            "number": invoice.number,
            "total": invoice.total,
            "currency": invoice.currency,
            "due": invoice.due_date,
        },
        attachments=[("billing.invoice_pdf", invoice.pk)],
    )


def invoice_issue(*, obj: Invoice, user: User, data=None) -> Invoice:
    """draft → issued: the next gapless number of the issue year (Invoice.issue, counter row
    locked in this transaction), the due date from the payment terms, and the PDF mailed to
    the account's billing contact through the outbox."""

    def mail(invoice: Invoice, fields):
        invoice.emailed_to = billing_address(invoice)
        Invoice.objects.filter(pk=invoice.pk).update(emailed_to=invoice.emailed_to)
        if invoice.emailed_to:
            _queue_invoice_email(invoice)

    return perform_transition(obj=obj, name="issue", user=user, data=data, effect=mail)


def invoice_void(*, obj: Invoice, user: User, data=None) -> Invoice:
    """draft, issued → void with a reason; refused once a payment was applied (the model
    rule). The number of a voided invoice stays used: the series keeps no gap."""
    return perform_transition(obj=obj, name="void", user=user, data=data)


# --- figures and payment-driven states --------------------------------------------------------
def _system(invoice: Invoice, name: str, user: User) -> Invoice:
    return perform_transition(obj=invoice, name=name, user=user, system=True)


def _sync_status(invoice: Invoice, user: User) -> Invoice:
    """Move a locked, saved invoice to the state its figures describe (system transitions):
    balance zero → paid (and the contract completes if that was all it waited for); part
    settled → partially_paid (an overdue invoice stays overdue); nothing settled → issued;
    past due with a balance → overdue."""
    settled = invoice.amount_paid + invoice.amount_credited
    status = invoice.status
    if invoice.balance == ZERO and invoice.total > 0:
        if status != S.PAID:
            invoice = _system(invoice, "settle", user)
            contract_complete_if_done(contract=invoice.contract, user=user)
        return invoice
    if settled > 0:
        if status == S.ISSUED:
            invoice = _system(invoice, "apply_payment", user)
        elif status == S.PAID:
            invoice = _system(invoice, "reopen_partial", user)
    elif status in (S.PAID, S.PARTIALLY_PAID):
        invoice = _system(invoice, "reopen", user)
    if (
        invoice.status in (S.ISSUED, S.PARTIALLY_PAID)
        and invoice.due_date
        and invoice.due_date < timezone.localdate()
    ):
        invoice = _system(invoice, "mark_overdue", user)
    return invoice


def _lock_invoices(ids) -> dict[int, Invoice]:
    """Lock the invoices in id order (so two payments never deadlock)."""
    return {
        inv.pk: inv
        for inv in Invoice.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    }


# --- payments ---------------------------------------------------------------------------------
def _clean_allocations(allocations) -> list[tuple[int, Decimal]]:
    wanted: dict[int, Decimal] = {}
    errors = []
    for i, row in enumerate(allocations or []):
        invoice = row.get("invoice")
        invoice_id = getattr(invoice, "pk", invoice)
        try:
            invoice_id = int(invoice_id)
        except (TypeError, ValueError):
            errors.append(_("Row %(n)s: choose an invoice.") % {"n": i + 1})
            continue
        try:
            amount = amount_arg(row.get("amount"), "amount")
        except ValidationError as exc:
            errors.append(_("Row %(n)s: %(e)s") % {"n": i + 1, "e": " ".join(exc.messages)})
            continue
        wanted[invoice_id] = wanted.get(invoice_id, ZERO) + amount
    if errors:
        raise ValidationError({"allocations": errors})
    return sorted(wanted.items())


@transaction.atomic
def payment_allocate(*, payment: Payment, user: User, allocations) -> Payment:
    """Apply (part of) a payment's unallocated amount to invoices of its account in its
    currency; each invoice moves to partially_paid or paid. Refused whole when any row breaks
    a rule: another account, another currency, not open, more than the balance, more than
    the payment has left."""
    require(user, "billing.payment")
    wanted = _clean_allocations(allocations)
    if not wanted:
        return payment
    locked_payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked_payment.status == PaymentStatus.REVERSED:
        raise ValidationError({"allocations": [_("A reversed payment cannot be allocated.")]})
    invoices = _lock_invoices(i for i, _a in wanted)
    errors = []
    for invoice_id, amount in wanted:
        invoice = invoices.get(invoice_id)
        if invoice is None:
            errors.append(_("Invoice %(id)s does not exist.") % {"id": invoice_id})
        elif invoice.account_id != locked_payment.account_id:
            errors.append(
                _("Invoice %(inv)s belongs to another account than the payment.") % {"inv": invoice}
            )
        elif invoice.currency != locked_payment.currency:
            errors.append(
                _("Invoice %(inv)s is in %(ic)s, the payment in %(pc)s.")
                % {"inv": invoice, "ic": invoice.currency, "pc": locked_payment.currency}
            )
        elif invoice.status not in OPEN_STATES:
            errors.append(
                _(
                    "Invoice %(inv)s is %(state)s: only issued, partially paid or overdue invoices "
                    "take payments."
                )
                % {"inv": invoice, "state": invoice.get_status_display()}
            )
        elif amount > invoice.balance:
            errors.append(
                _(
                    "%(amount)s is more than the balance of invoice %(inv)s (%(balance)s): a "
                    "balance never goes below zero."
                )
                % {"amount": amount, "inv": invoice, "balance": invoice.balance}
            )
    total = sum((a for _i, a in wanted), ZERO)
    if total > locked_payment.unallocated:
        errors.append(
            _("The allocations (%(total)s) exceed what the payment has left (%(left)s).")
            % {"total": total, "left": locked_payment.unallocated}
        )
    if errors:
        raise ValidationError({"allocations": errors})
    for invoice_id, amount in wanted:
        invoice = invoices[invoice_id]
        PaymentAllocation.objects.create(
            payment=locked_payment, invoice=invoice, amount=amount, created_by=user
        )
        invoice.amount_paid += amount
        invoice.balance -= amount
        invoice.save(update_fields=["amount_paid", "balance", "updated_at"])
        fault_point("payment-allocation")
        _sync_status(invoice, user)
    locked_payment.amount_allocated += total
    locked_payment.save(update_fields=["amount_allocated"])
    return locked_payment


@transaction.atomic
def payment_record(
    *,
    user: User,
    account,
    amount,
    currency: str | None = None,
    date: datetime.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    notes: str = "",
    allocations=None,
) -> Payment:
    """Record money received from an account and allocate it (optional); what is left is the
    account's credit."""
    require(user, "billing.payment")
    require_visible(user, account=account)
    amount = amount_arg(amount)
    currency = currency or account.currency
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("The payment date cannot be in the future.")})
    payment = Payment(
        account=account,
        amount=amount,
        currency=currency,
        date=date,
        method=method,
        reference=(reference or "").strip(),
        notes=notes,
        recorded_by=user,
    )
    payment.full_clean(exclude=["status"])
    payment.save()
    if allocations:
        payment = payment_allocate(payment=payment, user=user, allocations=allocations)
    return payment


def payment_reverse(*, obj: Payment, user: User, data=None) -> Payment:
    """recorded, reconciled → reversed (a bounced payment) with a reason: every allocation is
    given back, so the invoices' balances reopen (paid → partially paid or issued, overdue
    again when past due)."""

    def give_back(payment: Payment, fields):
        allocations = list(payment.allocations.filter(reversed=False).order_by("pk"))
        invoices = _lock_invoices(a.invoice_id for a in allocations)
        for allocation in allocations:
            invoice = invoices[allocation.invoice_id]
            invoice.amount_paid -= allocation.amount
            invoice.balance += allocation.amount
            invoice.save(update_fields=["amount_paid", "balance", "updated_at"])
            allocation.reversed = True
            allocation.save(update_fields=["reversed"])
        for invoice in invoices.values():
            _sync_status(Invoice.objects.get(pk=invoice.pk), user)
        payment.amount_allocated = ZERO
        Payment.objects.filter(pk=payment.pk).update(amount_allocated=ZERO)

    return perform_transition(obj=obj, name="reverse", user=user, data=data, effect=give_back)


def payment_reconcile(*, obj: Payment, user: User, data=None) -> Payment:
    """recorded → reconciled (matched to a bank statement line)."""
    return perform_transition(obj=obj, name="reconcile", user=user, data=data)


def account_credit(account, currency: str | None = None) -> Decimal:
    """Money received from the account and not allocated to an invoice."""
    from django.db.models import F, Sum

    qs = Payment.objects.filter(account=account).exclude(status=PaymentStatus.REVERSED)
    if currency:
        qs = qs.filter(currency=currency)
    return qs.aggregate(s=Sum(F("amount") - F("amount_allocated")))["s"] or ZERO


# --- credit notes -----------------------------------------------------------------------------
@transaction.atomic
def credit_note_issue(*, invoice: Invoice, user: User, amount, reason: str) -> CreditNote:
    """Reduce an open invoice's balance with a reason, under the next gapless CN number."""
    require(user, "billing.credit_note")
    amount = amount_arg(amount)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status not in OPEN_STATES:
        raise ValidationError(
            {"invoice": _("Only an issued, partially paid or overdue invoice can be credited.")}
        )
    if amount > locked.balance:
        raise ValidationError(
            {
                "amount": _("%(amount)s is more than the invoice's balance (%(balance)s).")
                % {"amount": amount, "balance": locked.balance}
            }
        )
    today = timezone.localdate()
    note = CreditNote.objects.create(
        number=next_number(settings.LTC.get("CREDIT_NOTE_NUMBER_PREFIX", "CN"), today.year),
        invoice=locked,
        amount=amount,
        reason=reason.strip(),
        issue_date=today,
        created_by=user,
    )
    locked.amount_credited += amount
    locked.balance -= amount
    locked.save(update_fields=["amount_credited", "balance", "updated_at"])
    _sync_status(locked, user)
    return note
