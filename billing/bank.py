"""Bank statement import and reconciliation (DESIGN.md: match lines to recorded payments or
open invoices by reference and amount; a review to confirm, split or match by hand;
confirmed matches mark payments reconciled).

CSV columns (a header row, any order, case-insensitive): date, amount, reference, payer.
Every row is checked first; one bad row refuses the whole file, with every bad row reported.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.policies import require

from .models import (
    OPEN_STATES,
    BankLineMatch,
    BankLineStatus,
    BankStatement,
    BankStatementLine,
    Invoice,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from .services import payment_reconcile, payment_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COLUMNS = ("date", "amount", "reference", "payer")
MAX_ROWS = 5000
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y")
INVOICE_REF = re.compile(r"[A-Z]{2,5}-\d{4}-\d{6}", re.IGNORECASE)


def _date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _amount(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or value == 0:
        return None
    return value.quantize(Decimal("0.01"))


def parse_statement(content: str | bytes) -> list[dict]:
    """The rows of a statement CSV, or ValidationError({"file": [...], "rows": [...]}) naming
    every bad row (row numbers as in the file, the header being row 1)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": [_("The file is not UTF-8 text (CSV).")]}) from None
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationError({"file": [_("The file is empty.")]}) from None
    except csv.Error as exc:
        raise ValidationError({"file": [_("Not a CSV file: %(e)s") % {"e": exc}]}) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            {
                "file": [
                    _("Missing columns: %(cols)s (expected date, amount, reference, payer).")
                    % {"cols": ", ".join(missing)}
                ]
            }
        )
    index = {c: header.index(c) for c in COLUMNS}
    rows, errors = [], []
    try:
        for number, raw in enumerate(reader, start=2):
            if not any(cell.strip() for cell in raw):
                continue
            problems = []
            if len(raw) < len(header):
                problems.append(
                    _("expected %(n)s columns, found %(m)s")
                    % {
                        "n": len(header),
                        "m": len(raw),
                    }
                )
                errors.append(_("Row %(row)s: %(p)s") % {"row": number, "p": "; ".join(problems)})
                continue
            cell = {c: raw[index[c]].strip() for c in COLUMNS}
            date = _date(cell["date"])
            amount = _amount(cell["amount"])
            if date is None:
                problems.append(_("date “%(v)s” is not a date (YYYY-MM-DD)") % {"v": cell["date"]})
            elif date > timezone.localdate():
                problems.append(_("date %(v)s is in the future") % {"v": cell["date"]})
            if amount is None:
                problems.append(
                    _("amount “%(v)s” is not a non-zero amount with at most two decimals")
                    % {"v": cell["amount"]}
                )
            if len(cell["reference"]) > 200 or len(cell["payer"]) > 200:
                problems.append(_("reference or payer longer than 200 characters"))
            if problems:
                errors.append(_("Row %(row)s: %(p)s") % {"row": number, "p": "; ".join(problems)})
                continue
            rows.append(
                {
                    "row": number,
                    "date": date,
                    "amount": amount,
                    "reference": cell["reference"],
                    "payer": cell["payer"],
                }
            )
            if len(rows) > MAX_ROWS:
                raise ValidationError(
                    {"file": [_("More than %(n)s rows: split the file.") % {"n": MAX_ROWS}]}
                )
    except csv.Error as exc:
        errors.append(_("Not a CSV file: %(e)s") % {"e": exc})
    if errors:
        raise ValidationError({"rows": errors})
    if not rows:
        raise ValidationError({"file": [_("The file has no rows.")]})
    return rows


@transaction.atomic
def statement_import(*, user: User, content, currency: str, name: str = "") -> BankStatement:
    """Import a statement (all rows or none) and suggest a match for each receipt."""
    require(user, "billing.reconcile")
    rows = parse_statement(content)
    statement = BankStatement.objects.create(name=name[:200], currency=currency, uploaded_by=user)
    lines = BankStatementLine.objects.bulk_create(
        [
            BankStatementLine(
                statement=statement,
                status=BankLineStatus.UNMATCHED if r["amount"] > 0 else BankLineStatus.IGNORED,
                **r,
            )
            for r in rows
        ]
    )
    if not lines[0].pk:  # backends that do not return ids from bulk_create
        lines = list(statement.lines.order_by("row"))
    suggest_matches(statement=statement, lines=lines)
    return statement


def suggest_matches(*, statement: BankStatement, lines) -> int:
    """By reference and amount: a recorded payment with the same reference and amount; else
    the open invoice whose number is in the reference, with that balance; else the only open
    invoice of an account named like the payer with that balance. Each payment or invoice
    is suggested once per statement."""
    receipts = [
        line for line in lines if line.amount > 0 and line.status == BankLineStatus.UNMATCHED
    ]
    if not receipts:
        return 0
    payments: dict[tuple[str, Decimal], list[Payment]] = {}
    for p in Payment.objects.filter(
        status=PaymentStatus.RECORDED, currency=statement.currency
    ).exclude(reference=""):
        payments.setdefault((p.reference.lower(), p.amount), []).append(p)
    invoices = list(
        Invoice.objects.filter(
            status__in=OPEN_STATES, currency=statement.currency, balance__gt=0
        ).select_related("account")
    )
    by_number = {i.number.lower(): i for i in invoices if i.number}
    by_payer: dict[tuple[str, Decimal], list[Invoice]] = {}
    for i in invoices:
        by_payer.setdefault((i.account.name.strip().lower(), i.balance), []).append(i)
    taken_payments = set(
        BankLineMatch.objects.filter(
            payment__isnull=False, line__status=BankLineStatus.SUGGESTED
        ).values_list("payment_id", flat=True)
    )
    taken_invoices: set[int] = set()
    matches = []
    for line in receipts:
        ref = line.reference.strip().lower()
        found = None
        for p in payments.get((ref, line.amount), []) if ref else []:
            if p.pk not in taken_payments:
                found = BankLineMatch(line=line, payment=p, amount=line.amount)
                taken_payments.add(p.pk)
                break
        if found is None:
            for number in INVOICE_REF.findall(line.reference):
                invoice = by_number.get(number.lower())
                if invoice and invoice.pk not in taken_invoices and line.amount <= invoice.balance:
                    found = BankLineMatch(line=line, invoice=invoice, amount=line.amount)
                    taken_invoices.add(invoice.pk)
                    break
        if found is None and line.payer:
            candidates = [
                i
                for i in by_payer.get((line.payer.strip().lower(), line.amount), [])
                if i.pk not in taken_invoices
            ]
            if len(candidates) == 1:
                found = BankLineMatch(line=line, invoice=candidates[0], amount=line.amount)
                taken_invoices.add(candidates[0].pk)
        if found is not None:
            matches.append(found)
            line.status = BankLineStatus.SUGGESTED
    BankLineMatch.objects.bulk_create(matches)
    BankStatementLine.objects.bulk_update(receipts, ["status"])
    return len(matches)


def _clean_manual(line: BankStatementLine, matches) -> list[BankLineMatch]:
    built, errors = [], []
    for i, row in enumerate(matches):
        payment_id, invoice_id = row.get("payment"), row.get("invoice")
        payment_id = getattr(payment_id, "pk", payment_id)
        invoice_id = getattr(invoice_id, "pk", invoice_id)
        if bool(payment_id) == bool(invoice_id):
            errors.append(_("Match %(n)s: give a payment or an invoice.") % {"n": i + 1})
            continue
        amount = row.get("amount", line.amount)
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            errors.append(_("Match %(n)s: the amount is not a number.") % {"n": i + 1})
            continue
        if amount <= 0:
            errors.append(_("Match %(n)s: the amount must be above zero.") % {"n": i + 1})
            continue
        built.append(
            BankLineMatch(
                line=line,
                payment_id=payment_id or None,
                invoice_id=invoice_id or None,
                amount=amount,
            )
        )
    if errors:
        raise ValidationError({"matches": errors})
    return built


@transaction.atomic
def line_confirm(*, line: BankStatementLine, user: User, matches=None) -> BankStatementLine:
    """Confirm a line's match: the suggested one, or `matches` given by hand ([{"payment": id}]
    or one or more [{"invoice": id, "amount": ...}] of one account: a split). A matched
    payment is reconciled; matched invoices get a payment of the line's amount (allocated as
    given, the rest the account's credit), reconciled at once."""
    require(user, "billing.reconcile")
    line = BankStatementLine.objects.select_for_update().select_related("statement").get(pk=line.pk)
    if line.status in (BankLineStatus.CONFIRMED, BankLineStatus.IGNORED):
        raise ValidationError(
            {
                "non_field_errors": [
                    _("This line is already %(s)s.") % {"s": line.get_status_display()}
                ]
            }
        )
    if line.amount <= 0:
        raise ValidationError({"non_field_errors": [_("Only money received is reconciled.")]})
    if matches is not None:
        chosen = _clean_manual(line, matches)
    else:
        chosen = list(line.matches.filter(confirmed=False))
    if not chosen:
        raise ValidationError({"matches": [_("Choose a payment or invoices to match.")]})
    payments = [m for m in chosen if m.payment_id]
    invoice_matches = [m for m in chosen if m.invoice_id]
    if payments and invoice_matches or len(payments) > 1:
        raise ValidationError(
            {"matches": [_("Match one recorded payment, or invoices of one account.")]}
        )
    currency = line.statement.currency
    if payments:
        payment = Payment.objects.select_for_update().get(pk=payments[0].payment_id)
        if payment.status != PaymentStatus.RECORDED:
            raise ValidationError({"matches": [_("That payment is not waiting to be reconciled.")]})
        if payment.amount != line.amount or payment.currency != currency:
            raise ValidationError(
                {
                    "matches": [
                        _("The payment is %(p)s %(pc)s, the bank line %(l)s %(lc)s.")
                        % {
                            "p": payment.amount,
                            "pc": payment.currency,
                            "l": line.amount,
                            "lc": currency,
                        }
                    ]
                }
            )
        payment_reconcile(obj=payment, user=user, data={})
    else:
        invoices = {
            i.pk: i for i in Invoice.objects.filter(pk__in=[m.invoice_id for m in invoice_matches])
        }
        if len(invoices) != len({m.invoice_id for m in invoice_matches}):
            raise ValidationError({"matches": [_("An invoice does not exist.")]})
        accounts = {i.account_id for i in invoices.values()}
        if len(accounts) != 1:
            raise ValidationError({"matches": [_("A split covers invoices of one account only.")]})
        total = sum((m.amount for m in invoice_matches), Decimal("0"))
        if total > line.amount:
            raise ValidationError(
                {
                    "matches": [
                        _("The matches (%(t)s) exceed the bank line (%(l)s).")
                        % {"t": total, "l": line.amount}
                    ]
                }
            )
        first = next(iter(invoices.values()))
        payment = payment_record(
            user=user,
            account=first.account,
            amount=line.amount,
            currency=currency,
            date=line.date,
            method=PaymentMethod.BANK_TRANSFER,
            reference=line.reference[:120],
            notes=_("From bank statement %(s)s, row %(r)s (%(payer)s)")
            % {"s": line.statement, "r": line.row, "payer": line.payer},
            allocations=[{"invoice": m.invoice_id, "amount": m.amount} for m in invoice_matches],
        )
        payment_reconcile(obj=payment, user=user, data={})
    line.matches.filter(confirmed=False).delete()
    for m in chosen:
        m.pk = None
        m.line = line
        m.confirmed = True
    BankLineMatch.objects.bulk_create(chosen)
    line.status = BankLineStatus.CONFIRMED
    line.payment = payment
    line.confirmed_by = user
    line.confirmed_at = timezone.now()
    line.save(update_fields=["status", "payment", "confirmed_by", "confirmed_at"])
    return line


@transaction.atomic
def line_ignore(*, line: BankStatementLine, user: User) -> BankStatementLine:
    """Not a customer payment (bank fees, transfers): leave it out of the queue."""
    require(user, "billing.reconcile")
    line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
    if line.status == BankLineStatus.CONFIRMED:
        raise ValidationError({"non_field_errors": [_("This line is already confirmed.")]})
    line.matches.filter(confirmed=False).delete()
    line.status = BankLineStatus.IGNORED
    line.save(update_fields=["status"])
    return line
