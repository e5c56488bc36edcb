"""Stage 4a: invoices (+ lines), payments (+ allocations), credit notes, bank statements,
dunning (DESIGN.md, Invoice and Payment).

Money rules held by the database as the last line: an invoice's balance is never negative and
always equals total − paid − credited; a payment never allocates more than its amount.
Issued invoices and payments are never edited or deleted: corrections are credit notes and
reversals (the services refuse, `save`/`delete` refuse, the admin is read-only).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ltc.audit import audit_history
from ltc.bases import CreatedBy, TimeStamped
from ltc.money import CENT, HUNDRED, ZERO, CurrencyField, MoneyField
from ltc.transitions import StateMachineModel
from roles.models import SYSTEM
from roles.permissions import RolePermission

FORMS = "billing.forms"


from .arithmetic import line_amounts, money  # noqa: E402,F401

TOLERANCE = Decimal("0.001")


def equals(field: str, expression) -> Q:
    """`field` = `expression` for money columns. Exact on PostgreSQL (numeric: two-decimal
    amounts differ by at least 0.01, so within 0.001 means equal); on SQLite, which keeps
    decimals as floating point, it absorbs the binary rounding (0.1 + 0.2)."""
    return Q(**{f"{field}__gte": expression - TOLERANCE}) & Q(
        **{f"{field}__lte": expression + TOLERANCE}
    )


# --- gapless numbering -------------------------------------------------------------------------
class NumberCounter(models.Model):
    """The last number given per series and year (INV 2026 → 123). Incremented under a row
    lock inside the issuing transaction, so a rollback gives the number back: no gaps, no
    duplicates (see billing.numbering)."""

    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="billing_counter_series_year")
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last}"


# --- invoices ----------------------------------------------------------------------------------
class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    VOID = "void", _("Void")


S = InvoiceStatus
OPEN_STATES = (S.ISSUED, S.PARTIALLY_PAID, S.OVERDUE)  # a receivable with a balance
PAYABLE_STATES = OPEN_STATES
FINANCE = RolePermission("finance")
SYSTEM_ONLY = RolePermission(SYSTEM)


class Invoice(StateMachineModel, CreatedBy, TimeStamped):
    # Fields that never change once the invoice has left the draft state.
    FROZEN = (
        "account_id",
        "contract_id",
        "milestone_id",
        "currency",
        "issue_date",
        "due_date",
        "subtotal",
        "tax",
        "total",
        "payment_terms_days",
        "opening",
        "opening_balance",
    )

    number = models.CharField(_("number"), max_length=30, null=True, blank=True, unique=True)
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    milestone = models.ForeignKey(
        "contracts.PaymentMilestone",
        verbose_name=_("payment milestone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    status = FSMField(
        _("status"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True
    )
    currency = CurrencyField()
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    subtotal = MoneyField(_("subtotal"), default=ZERO)
    tax = MoneyField(_("tax"), default=ZERO)
    total = MoneyField(_("total"), default=ZERO)
    amount_paid = MoneyField(_("paid"), default=ZERO)
    amount_credited = MoneyField(_("credited"), default=ZERO)
    balance = MoneyField(_("balance"), default=ZERO)
    notes = models.TextField(_("notes"), blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.TextField(_("void reason"), blank=True)
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    # An opening receivable: an invoice issued before the company moved to the CRM, imported
    # with its open balance (billing.importers). It is issued when created, keeps the number
    # it had (or gets one of its own OPN series), and its `amount_paid` is what was paid
    # before the cut-over, outside the CRM; `opening_balance` is the balance it came with.
    opening = models.BooleanField(_("opening balance"), default=False)
    opening_balance = MoneyField(_("balance at import"), null=True, blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="invoice_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0) & Q(amount_credited__gte=0) & Q(total__gte=0),
                name="invoice_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=equals("total", F("amount_paid") + F("amount_credited") + F("balance")),
                name="invoice_total_paid_credited_balance",
            ),
            models.CheckConstraint(
                condition=equals("total", F("subtotal") + F("tax")),
                name="invoice_total_subtotal_tax",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "void"]) | Q(number__isnull=False),
                name="invoice_issued_has_number",
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(milestone__isnull=False) & ~Q(status="void"),
                name="invoice_once_per_milestone",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="invoice_account_idx"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due_idx"),
            models.Index(fields=["opening", "status"], name="invoice_opening_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("number",)

    def __str__(self):
        return self.number or _("Draft invoice %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("billing:invoice-detail", args=[self.pk])

    # --- guards ---------------------------------------------------------------------------------
    @property
    def is_editable(self) -> bool:
        return self.status == S.DRAFT

    def save(self, *args, **kwargs):
        """Refuse any change to what an issued invoice says (only its state, number and
        payment figures move, through the services)."""
        if self.pk is not None and not self._state.adding:
            stored = (
                Invoice.objects.filter(pk=self.pk).values("status", "number", *self.FROZEN).first()
            )
            if stored is not None and stored["status"] != S.DRAFT:
                changed = [f for f in self.FROZEN if stored[f] != getattr(self, f)]
                if stored["number"] is not None and stored["number"] != self.number:
                    changed.append("number")
                if changed:
                    raise ValidationError(
                        _("An issued invoice cannot be edited (%(fields)s); issue a credit note.")
                        % {"fields": ", ".join(f.removesuffix("_id") for f in changed)}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != S.DRAFT or self.number:
            raise ValidationError(_("An issued invoice is never deleted; void it or credit it."))
        return super().delete(*args, **kwargs)

    # --- arithmetic -----------------------------------------------------------------------------
    def set_totals(self, lines):
        """Subtotal, tax and total from the lines (each already computed), balance from them."""
        self.subtotal = sum((line.net for line in lines), ZERO)
        self.tax = sum((line.tax_amount for line in lines), ZERO)
        self.total = self.subtotal + self.tax
        self.balance = self.total - self.amount_paid - self.amount_credited

    def days_overdue(self, today=None) -> int:
        if not self.due_date:
            return 0
        today = today or timezone.localdate()
        return max(0, (today - self.due_date).days)

    # --- transitions (DESIGN.md, Invoice) -------------------------------------------------------
    @transition(
        field=status,
        source=S.DRAFT,
        target=S.ISSUED,
        permission=FINANCE,
        custom={"label": _("Issue"), "form": f"{FORMS}.IssueForm"},
    )
    def issue(self, *, by=None, issue_date=None):
        # Runs inside perform_transition's transaction, the invoice row locked: the number is
        # the next of the issue year's counter (locked too), given back on rollback.
        # billing.services.invoice_issue mails the PDF after commit.
        from .numbering import next_number

        if self.total <= 0:
            raise ValidationError(_("An invoice needs lines with a total above zero."))
        self.issue_date = issue_date or timezone.localdate()
        if self.issue_date > timezone.localdate():
            raise ValidationError({"issue_date": _("The issue date cannot be in the future.")})
        prefix = settings.LTC["INVOICE_NUMBER_PREFIX"]
        self.number = next_number(prefix, self.issue_date.year)
        # Numbers follow issue dates: no back-dating before an invoice already issued (checked
        # under the counter's lock, so two issuers cannot cross).
        later = Invoice.objects.filter(
            number__startswith=f"{prefix}-{self.issue_date.year}-", issue_date__gt=self.issue_date
        ).exclude(pk=self.pk)
        if later.exists():
            raise ValidationError(
                {"issue_date": _("An invoice with a later issue date has already been issued.")}
            )
        self.due_date = self.issue_date + datetime.timedelta(days=self.payment_terms_days)
        self.issued_at = timezone.now()

    @transition(
        field=status,
        source=[S.ISSUED, S.OVERDUE, S.PARTIALLY_PAID],
        target=S.PARTIALLY_PAID,
        permission=SYSTEM_ONLY,
        custom={"label": _("Payment applied (part)")},
    )
    def apply_payment(self, *, by=None):
        if not (ZERO < self.balance < self.total):
            raise ValidationError(_("The figures do not describe a partial payment."))

    @transition(
        field=status,
        source=[S.ISSUED, S.OVERDUE, S.PARTIALLY_PAID],
        target=S.PAID,
        permission=SYSTEM_ONLY,
        custom={"label": _("Paid in full")},
    )
    def settle(self, *, by=None):
        if self.balance != ZERO:
            raise ValidationError(_("The invoice still has a balance."))
        self.paid_at = timezone.now()

    @transition(
        field=status,
        source=[S.PAID, S.PARTIALLY_PAID, S.OVERDUE],
        target=S.ISSUED,
        permission=SYSTEM_ONLY,
        custom={"label": _("Reopened (nothing paid)")},
    )
    def reopen(self, *, by=None):
        self.paid_at = None

    @transition(
        field=status,
        source=[S.PAID],
        target=S.PARTIALLY_PAID,
        permission=SYSTEM_ONLY,
        custom={"label": _("Reopened (part paid)")},
    )
    def reopen_partial(self, *, by=None):
        self.paid_at = None

    @transition(
        field=status,
        source=[S.ISSUED, S.PARTIALLY_PAID],
        target=S.OVERDUE,
        permission=SYSTEM_ONLY,
        custom={"label": _("Mark overdue")},
    )
    def mark_overdue(self, *, by=None):
        if self.balance <= 0 or not self.due_date or self.due_date >= timezone.localdate():
            raise ValidationError(_("The invoice is not past due with a balance."))

    @transition(
        field=status,
        source=[S.DRAFT, S.ISSUED],
        target=S.VOID,
        permission=FINANCE,
        custom={"label": _("Void"), "form": "ltc.forms.ReasonForm"},
    )
    def void(self, *, by=None, reason=""):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("A reason is required.")})
        if self.amount_paid > 0 or self.allocations.filter(reversed=False).exists():
            raise ValidationError(
                _("Payments were applied to this invoice: reverse them or issue a credit note.")
            )
        self.void_reason = reason.strip()
        self.voided_at = timezone.now()


def milestone_line_text(params: dict) -> str:
    """'30% on signing of contract C-2026-0001 · tax 6%' in the active language."""
    if not params or "milestone" not in params:
        return ""
    from django.utils.translation import gettext

    text = gettext("%(milestone)s of contract %(contract)s") % {
        "milestone": params["milestone"],
        "contract": params.get("contract", ""),
    }
    if params.get("rate") is not None:
        text += " · " + gettext("tax %(rate)s%%") % {"rate": params["rate"]}
    return text


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=300)
    # A line drafted from a payment milestone keeps what it says (milestone, contract, tax
    # rate), so each document writes it in its own language; empty for a line typed by hand.
    milestone_text = models.JSONField(_("milestone description"), default=dict, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit_price = MoneyField(_("unit price"))
    tax_rate = models.DecimalField(
        _("tax rate %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
    )
    net = MoneyField(_("net"), default=ZERO)
    tax_amount = MoneyField(_("tax"), default=ZERO)
    total = MoneyField(_("line total"), default=ZERO)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="invoiceline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=equals("total", F("net") + F("tax_amount")), name="invoiceline_total"
            ),
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self._guard()
        self.compute()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self):
        status = Invoice.objects.filter(pk=self.invoice_id).values_list("status", flat=True).first()
        if status is not None and status != S.DRAFT:
            raise ValidationError(_("The lines of an issued invoice cannot change."))

    def display_description(self) -> str:
        """The description in the active language: a milestone line is written anew from
        what it keeps, a line typed by hand as typed."""
        return milestone_line_text(self.milestone_text) or self.description

    def compute(self):
        """Each amount to 0.01, ROUND_HALF_UP: net = qty × price, tax = net × rate."""
        self.net, self.tax_amount, self.total = line_amounts(
            self.quantity, self.unit_price, self.tax_rate
        )


# --- payments ----------------------------------------------------------------------------------
class PaymentStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    RECONCILED = "reconciled", _("Reconciled")
    REVERSED = "reversed", _("Reversed")


P = PaymentStatus


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(StateMachineModel):
    """Money received from an account. Allocated to its invoices (same account and currency);
    what is not allocated is the account's credit."""

    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    date = models.DateField(_("date received"), default=timezone.localdate)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = CurrencyField()
    method = models.CharField(
        _("method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    reference = models.CharField(_("reference"), max_length=120, blank=True, db_index=True)
    status = FSMField(
        _("status"), default=P.RECORDED, choices=P.choices, protected=True, db_index=True
    )
    amount_allocated = MoneyField(_("allocated"), default=ZERO)
    notes = models.TextField(_("notes"), blank=True)
    reconciled_at = models.DateTimeField(_("reconciled"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversal_reason = models.TextField(_("reversal reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_allocated__gte=0) & Q(amount_allocated__lte=F("amount")),
                name="payment_allocated_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["account", "status"], name="payment_account_idx")]

    def __str__(self):
        return f"PAY-{self.pk} {self.amount} {self.currency}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("billing:payment-detail", args=[self.pk])

    @property
    def unallocated(self) -> Decimal:
        if self.status == P.REVERSED:
            return ZERO
        return self.amount - self.amount_allocated

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A payment is never deleted; reverse it."))

    @transition(
        field=status,
        source=P.RECORDED,
        target=P.RECONCILED,
        permission=FINANCE,
        custom={"label": _("Reconcile"), "form": "ltc.forms.CommentForm"},
    )
    def reconcile(self, *, by=None):
        self.reconciled_at = timezone.now()

    @transition(
        field=status,
        source=[P.RECORDED, P.RECONCILED],
        target=P.REVERSED,
        permission=FINANCE,
        custom={"label": _("Reverse"), "form": "ltc.forms.ReasonForm"},
    )
    def reverse(self, *, by=None, reason=""):
        # billing.services.payment_reverse gives the allocated money back to the invoices.
        if not (reason or "").strip():
            raise ValidationError({"reason": _("A reason is required.")})
        self.reversal_reason = reason.strip()
        self.reversed_at = timezone.now()


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    reversed = models.BooleanField(_("reversed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")
        ]

    def __str__(self):
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


# --- credit notes ------------------------------------------------------------------------------
class CreditNote(models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True)
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    reason = models.TextField(_("reason"))
    issue_date = models.DateField(_("issue date"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="creditnote_amount_positive")
        ]

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A credit note is never deleted."))


# --- dunning -----------------------------------------------------------------------------------
class DunningNotice(models.Model):
    """One reminder per invoice and threshold (days past due): the unique constraint makes a
    second run of the daily task send nothing."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="dunning"
    )
    days = models.PositiveSmallIntegerField(_("days past due"))
    sent_to = models.EmailField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["invoice", "days"]
        verbose_name = _("dunning notice")
        verbose_name_plural = _("dunning notices")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "days"], name="dunning_once_per_threshold")
        ]

    def __str__(self):
        return f"{self.invoice} +{self.days}d"


# --- bank statements ---------------------------------------------------------------------------
class BankStatement(models.Model):
    name = models.CharField(_("file name"), max_length=200, blank=True)
    currency = CurrencyField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self):
        return self.name or f"#{self.pk}"


class BankLineStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Unmatched")
    SUGGESTED = "suggested", _("Match suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    IGNORED = "ignored", _("Ignored")


class BankStatementLine(models.Model):
    statement = models.ForeignKey(
        BankStatement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    row = models.PositiveIntegerField(_("row"))
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BankLineStatus.choices,
        default=BankLineStatus.UNMATCHED,
        db_index=True,
    )
    payment = models.ForeignKey(
        "Payment",
        verbose_name=_("reconciled payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_lines",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["statement", "row"]
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        constraints = [
            models.UniqueConstraint(fields=["statement", "row"], name="bankline_row_unique")
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("date", "amount", "reference")

    def __str__(self):
        return f"{self.date} {self.amount} {self.reference}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("billing:bank-review")


class BankLineMatch(models.Model):
    """A proposed or confirmed match of (part of) a bank line: to a recorded payment, or to an
    open invoice (confirming creates the payment)."""

    line = models.ForeignKey(
        BankStatementLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="matches"
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_matches",
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_matches",
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        ordering = ["line", "pk"]
        verbose_name = _("bank line match")
        verbose_name_plural = _("bank line matches")
        constraints = [
            models.CheckConstraint(
                condition=Q(payment__isnull=False, invoice__isnull=True)
                | Q(payment__isnull=True, invoice__isnull=False),
                name="bankmatch_payment_or_invoice",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bankmatch_amount_positive"),
        ]

    def __str__(self):
        return f"{self.line_id}: {self.payment_id or self.invoice_id} {self.amount}"
