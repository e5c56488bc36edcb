"""Opening receivables: the open invoices of the old system with their balances, so a company
can start with the CRM mid-year (the shared flow is ltc.imports).

How an opening invoice follows billing's rules:
- **Number.** The number it had in the old system is kept (the customer knows the invoice by
  it); it must be unique, and may not look like the CRM's own series (`INV-<year>-…`), whose
  gapless counter would otherwise hand it out again. A row without a number gets one from
  the opening series `OPN-<year>-000001` (settings.LTC["OPENING_INVOICE_PREFIX"]), counted
  like every series (billing.numbering), in the order of issue date then line. A kept number
  of the opening series moves that counter past it.
- **Marked** `opening=True`, with `opening_balance` the balance it came with, and one line
  "Opening balance" carrying the total (no tax split: the tax was declared in the old system).
- **Issued when created** (never a draft, so never edited: billing's immutability holds),
  `amount_paid` = total − balance (paid before the cut-over). Its state is what the balance
  and due date say: issued, partially paid, or overdue when past due, so AR aging, DSO, the
  forecast and dunning count it at once; payments recorded later allocate to it as to any
  invoice. The KPI receivables start it at its opening balance.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.importers import AccountLookup, account_keys
from ltc.imports import Column, Importer, Row, chunks, parse_date, parse_decimal, value_text

from .arithmetic import line_amounts
from .models import Invoice, InvoiceLine, InvoiceStatus, NumberCounter
from .numbering import next_number

ZERO = Decimal("0")


def _currencies() -> str:
    return ", ".join(settings.LTC["CURRENCIES"])


def opening_prefix() -> str:
    return settings.LTC.get("OPENING_INVOICE_PREFIX", "OPN")


class OpeningInvoiceImporter(Importer):
    entity = "opening-invoices"
    label = gettext_lazy("Opening receivables (open invoices)")
    policy = "billing.import_opening"
    model = Invoice
    export = "invoices"
    list_url = "billing:invoice-list"
    columns = (
        Column("number", ("invoice number", "invoice no", "发票号", "发票号码", "单据编号"),
               field="number",
               allowed=gettext_lazy("the old system's number, kept; blank: OPN-<year>-NNNNNN")),
        Column("account", ("customer", "account name", "客户", "客户名称", "公司名称"),
               field="account", allowed=gettext_lazy("the account's name; or give its tax ID")),
        Column("account_tax_id", ("tax id", "tax_id", "税号", "客户税号"),
               allowed=gettext_lazy("the account's tax ID (wins over the name)")),
        Column("currency", ("币种",), field="currency", allowed=_currencies),
        Column("issue_date", ("invoice date", "开票日期", "发票日期"), required=True,
               field="issue_date", allowed=gettext_lazy("YYYY-MM-DD, not in the future")),
        Column("due_date", ("due", "到期日", "应收日期", "付款期限"), required=True,
               field="due_date", allowed=gettext_lazy("YYYY-MM-DD, not before the issue date")),
        Column("total", ("amount", "invoice amount", "金额", "发票金额", "价税合计"),
               required=True, field="total", allowed=gettext_lazy("a number > 0")),
        Column("balance", ("open balance", "outstanding", "余额", "未收金额", "应收余额"),
               field="balance",
               allowed=gettext_lazy("a number > 0, at most the total; blank: the total")),
        Column("notes", ("备注",), field="notes"),
    )  # fmt: skip
    example_rows = (
        ("HD-2026-0815", "上海华东机械有限公司", "", "CNY", "2026-08-15", "2026-09-14",
         "113000.00", "56500.00", "首付款已收"),
        ("", "", "91110000MA0002", "USD", "2026-10-01", "2026-10-31", "12000", "", ""),
    )  # fmt: skip

    def __init__(self, user):
        super().__init__(user)
        self.accounts = AccountLookup(user)
        self.today = timezone.localdate()
        self.own_series = re.compile(
            rf"^{re.escape(settings.LTC['INVOICE_NUMBER_PREFIX'])}-\d{{4}}-", re.IGNORECASE
        )
        self.opening_series = re.compile(rf"^{re.escape(opening_prefix())}-(\d{{4}})-(\d+)$")

    def check(self, row: Row) -> None:
        v = row.values
        v["number"] = self.text(row, "number")
        if v["number"] and self.own_series.match(v["number"]):
            row.reasons.append(
                _("“%(value)s” is in the CRM's own invoice series: leave the number blank or "
                  "give the old system's number.") % {"value": v["number"]}
            )  # fmt: skip
        v["currency"] = self.currency(row)
        v["issue_date"] = parse_date(row.raw.get("issue_date"), row.reasons)
        v["due_date"] = parse_date(row.raw.get("due_date"), row.reasons)
        for name in ("issue_date", "due_date"):
            if v[name] is None and not value_text(row.raw.get(name)):
                row.reasons.append(_("%(field)s is required.") % {"field": self.label_of(name)})
        if v["issue_date"] and v["issue_date"] > self.today:
            row.reasons.append(_("The issue date cannot be in the future."))
        if v["issue_date"] and v["due_date"] and v["due_date"] < v["issue_date"]:
            row.reasons.append(_("The due date is before the issue date."))
        total = parse_decimal(row.raw.get("total"), self.label_of("total"), row.reasons)
        balance = parse_decimal(row.raw.get("balance"), self.label_of("balance"), row.reasons)
        if total is None and not value_text(row.raw.get("total")):
            row.reasons.append(_("%(field)s is required.") % {"field": self.label_of("total")})
        if balance is None and not value_text(row.raw.get("balance")):
            balance = total
        if total is not None and total <= ZERO:
            row.reasons.append(_("The total must be above zero."))
        if balance is not None and balance <= ZERO:
            row.reasons.append(_("An opening invoice has a balance above zero (it is open)."))
        if total is not None and balance is not None and balance > total:
            row.reasons.append(_("The balance is larger than the total."))
        v["total"], v["balance"] = total, balance
        v["notes"] = self.text(row, "notes")

    def check_all(self, rows: list[Row]) -> None:
        self.accounts.load(*account_keys(rows))
        for row in rows:
            row.values["account"] = self.accounts.find(
                row,
                value_text(row.raw.get("account")),
                value_text(row.raw.get("account_tax_id")),
            )
        numbers = sorted({r.values["number"] for r in rows if r.values.get("number")})
        taken: set[str] = set()
        for chunk in chunks(numbers):
            taken.update(Invoice.objects.filter(number__in=chunk).values_list("number", flat=True))
        for row in rows:
            if row.values.get("number") in taken:
                row.reasons.append(
                    _("Invoice number “%(value)s” exists already.")
                    % {"value": row.values["number"]}
                )
                row.duplicate = True
        self.flag_in_file(rows, lambda r: r.values.get("number", ""), _("invoice number"))

    def create(self, rows: list[Row]) -> int:
        now = timezone.now()
        prefix = opening_prefix()
        self._advance_counters(rows, prefix)
        invoices = []
        for row in sorted(rows, key=lambda r: (r.values["issue_date"], r.line)):
            v = row.values
            total, balance = v["total"], v["balance"]
            if v["due_date"] < self.today:
                status = InvoiceStatus.OVERDUE
            elif balance < total:
                status = InvoiceStatus.PARTIALLY_PAID
            else:
                status = InvoiceStatus.ISSUED
            invoices.append(
                Invoice(
                    number=v["number"] or next_number(prefix, v["issue_date"].year),
                    account=v["account"],
                    status=status,
                    currency=v["currency"],
                    issue_date=v["issue_date"],
                    due_date=v["due_date"],
                    payment_terms_days=min(365, (v["due_date"] - v["issue_date"]).days),
                    subtotal=total,
                    tax=ZERO,
                    total=total,
                    amount_paid=total - balance,
                    balance=balance,
                    notes=v["notes"],
                    issued_at=timezone.make_aware(
                        datetime.datetime.combine(v["issue_date"], datetime.time())
                    ),
                    opening=True,
                    opening_balance=balance,
                    created_by=self.user,
                    created_at=now,
                    updated_at=now,
                )
            )
        Invoice.objects.bulk_create(invoices, batch_size=500)
        lines = []
        for invoice in invoices:
            net, tax, line_total = line_amounts(Decimal(1), invoice.total, ZERO)
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=1,
                    description=_("Opening balance of invoice %(number)s")
                    % {"number": invoice.number},
                    quantity=Decimal(1),
                    unit_price=invoice.total,
                    tax_rate=ZERO,
                    net=net,
                    tax_amount=tax,
                    total=line_total,
                )
            )
        InvoiceLine.objects.bulk_create(lines, batch_size=500)
        return len(invoices)

    def _advance_counters(self, rows: list[Row], prefix: str) -> None:
        """Kept numbers of the opening series move its counter past them, so the series
        never hands out a number that is taken."""
        highest: dict[int, int] = {}
        for row in rows:
            match = self.opening_series.match(row.values.get("number") or "")
            if match:
                year, last = int(match.group(1)), int(match.group(2))
                highest[year] = max(highest.get(year, 0), last)
        for year, last in highest.items():
            NumberCounter.objects.bulk_create(
                [NumberCounter(series=prefix, year=year, last=0)], ignore_conflicts=True
            )
            counter = NumberCounter.objects.select_for_update().get(series=prefix, year=year)
            if counter.last < last:
                counter.last = last
                counter.save(update_fields=["last"])


IMPORTERS = (OpeningInvoiceImporter,)
