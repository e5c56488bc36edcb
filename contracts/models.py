"""Stage 3a: Contract (+ lines), its payment plan (回款计划) and review sign-offs (DESIGN.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from customfields.models import CustomValuesMixin
from ltc.audit import audit_history
from ltc.bases import CreatedBy, TimeStamped
from ltc.money import HUNDRED, CurrencyField, MoneyField, line_amounts
from ltc.signoffs import (
    SignOff,
    SignOffDecision,
    SignOffRole,
    SignOffSteps,
    ensure_signed_off,
    missing_sign_offs,
)
from ltc.transitions import StateMachineModel
from roles.models import SYSTEM
from roles.permissions import RolePermission
from rules import accessors as rule_values

FORMS = "contracts.forms"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


S = ContractStatus


def value_threshold() -> Decimal:
    return rule_values.contract_value_threshold()


class Contract(SignOffSteps, StateMachineModel, CreatedBy, TimeStamped, CustomValuesMixin):
    # Each signer's decisions in a review round: closed once that signer has signed off.
    sign_off_steps = {
        "approve": SignOffRole.FINANCE,
        "reject": SignOffRole.FINANCE,
        "manager_sign_off": SignOffRole.MANAGER,
    }

    # The number is shared by every version (amendment) of one contract.
    number = models.CharField(_("number"), max_length=30, db_index=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    amended_from = models.OneToOneField(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment",
    )
    superseded = models.BooleanField(_("superseded by a signed amendment"), default=False)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    quote = models.ForeignKey(
        "opportunities.Quote",
        verbose_name=_("quote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    signatories = models.ManyToManyField(
        "customers.Contact",
        verbose_name=_("customer signatories"),
        blank=True,
        related_name="signed_contracts",
    )
    status = FSMField(
        _("status"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    currency = CurrencyField()
    total = MoneyField(_("total"), default=Decimal("0"))
    terms = models.TextField(_("terms"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    solution_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solution owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solution_contracts",
    )
    # Review: which sign-offs this round needs (set on submit, the credit check re-run when
    # finance approves), and the credit figures the decision was made on.
    review_round = models.PositiveIntegerField(_("review round"), default=0)
    over_value_threshold = models.BooleanField(_("over the value threshold"), default=False)
    over_credit_limit = models.BooleanField(_("over the credit limit"), default=False)
    credit_exposure = MoneyField(_("open exposure at review"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by_name = models.CharField(_("signed by (customer)"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signature recorded"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"],
                condition=~models.Q(number=""),
                name="contract_number_version_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="contract_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status"], name="contract_owner_idx"),
            models.Index(fields=["solution_owner", "status"], name="contract_solution_idx"),
            models.Index(fields=["account", "status"], name="contract_account_idx"),
            models.Index(fields=["status", "end_date"], name="contract_status_end_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("number", "version")

    def __str__(self):
        return f"{self.number or '-'} v{self.version}"

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Only a draft changes; a contract in review, approved or signed is read-only (a signed
        one changes by an amendment, a new version reviewed again)."""
        return self.status == S.DRAFT and not self.superseded

    @property
    def is_live(self) -> bool:
        return self.status == S.SIGNED and not self.superseded

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})

    # --- payment plan ------------------------------------------------------------------------
    def planned_total(self) -> Decimal:
        return self.milestones.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")

    def payment_plan_problem(self) -> str | None:
        """Why the payment plan cannot go to review, or None."""
        planned = self.planned_total()
        if not self.milestones.exists():
            return str(_("Add a payment plan (at least one milestone)."))
        if planned != self.total:
            return str(
                _(
                    "The payment plan sums to %(planned)s but the contract total is %(total)s "
                    "(difference %(diff)s)."
                )
                % {"planned": planned, "total": self.total, "diff": self.total - planned}
            )
        return None

    # --- review gate ---------------------------------------------------------------------------
    def open_exposure(self) -> Decimal:
        """Signed, not completed contracts of the account (this one and the version it amends
        left out), in the account's currency."""
        qs = Contract.objects.filter(
            account_id=self.account_id,
            status=S.SIGNED,
            superseded=False,
            currency=self.account.currency,
        ).exclude(pk=self.pk)
        if self.amended_from_id:
            qs = qs.exclude(pk=self.amended_from_id)
        return qs.aggregate(s=Sum("total"))["s"] or Decimal("0.00")

    def run_credit_check(self):
        """Set the gate flags: over the value threshold, and over the account's credit limit
        (open exposure plus this contract). A contract in another currency than the account's
        limit cannot be checked and needs the manager."""
        self.over_value_threshold = self.total > value_threshold()
        limit = self.account.credit_limit
        if limit is None:
            self.credit_exposure = None
            self.over_credit_limit = False
            return
        self.credit_exposure = self.open_exposure()
        if self.currency != self.account.currency:
            self.over_credit_limit = True
        else:
            self.over_credit_limit = self.credit_exposure + self.total > limit

    def required_sign_offs(self) -> list[str]:
        roles = [SignOffRole.FINANCE]
        if self.over_value_threshold or self.over_credit_limit:
            roles.append(SignOffRole.MANAGER)
        return roles

    def signed_off_roles(self) -> set[str]:
        return set(
            self.sign_offs.filter(
                review_round=self.review_round, decision=SignOffDecision.APPROVED
            ).values_list("role", flat=True)
        )

    def missing_sign_offs(self) -> list[str]:
        return missing_sign_offs(self.required_sign_offs(), self.signed_off_roles())

    def sign_off_scope(self) -> dict:
        """A sign-off counts for the review round it was given in."""
        return {"review_round": self.review_round}

    # --- transitions (DESIGN.md, Contract) -----------------------------------------------------
    @transition(
        field=status,
        source=S.DRAFT,
        target=S.IN_REVIEW,
        permission=RolePermission("sales_support", "sales"),
        custom={"label": _("Submit for review"), "form": "ltc.forms.CommentForm"},
    )
    def submit_for_review(self, *, by=None):
        if self.superseded:
            raise ValidationError(_("A newer version of this contract exists."))
        if not self.lines.exists():
            raise ValidationError({"lines": _("The contract has no lines.")})
        problem = self.payment_plan_problem()
        if problem:
            raise ValidationError({"milestones": problem})
        self.review_round += 1
        self.run_credit_check()
        self.submitted_at = timezone.now()
        self.rejected_at = None

    @transition(
        field=status,
        source=S.IN_REVIEW,
        target=S.APPROVED,
        permission=RolePermission("finance"),
        custom={"label": _("Approve"), "form": "ltc.forms.CommentForm"},
    )
    def approve(self, *, by=None):
        # contracts.services.contract_approve records finance's sign-off and runs this (as the
        # system) once every required sign-off is in.
        ensure_signed_off(self.missing_sign_offs(), SignOffRole)
        self.approved_at = timezone.now()

    @transition(
        field=status,
        source=S.IN_REVIEW,
        target=S.IN_REVIEW,
        permission=RolePermission("manager"),
        custom={"label": _("Manager sign-off"), "form": "ltc.forms.CommentForm"},
    )
    def manager_sign_off(self, *, by=None):
        # Recorded by contracts.services.contract_manager_sign_off (a self-loop: the contract is
        # approved only when finance has approved as well).
        pass

    @transition(
        field=status,
        source=S.IN_REVIEW,
        target=S.DRAFT,
        permission=RolePermission("finance"),
        custom={"label": _("Reject"), "form": "ltc.forms.ReasonForm"},
    )
    def reject(self, *, by=None, reason=""):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("A reason is required.")})
        self.rejection_reason = reason
        self.rejected_at = timezone.now()

    @transition(
        field=status,
        source=S.APPROVED,
        target=S.SIGNED,
        permission=RolePermission("sales"),
        custom={"label": _("Sign"), "form": f"{FORMS}.SignForm"},
    )
    def sign(self, *, by=None, signed_on=None, signed_by_name=""):
        errors = {}
        if signed_on is None:
            errors["signed_on"] = _("The signing date is required.")
        elif signed_on > timezone.localdate():
            errors["signed_on"] = _("The signing date cannot be in the future.")
        if not (signed_by_name or "").strip():
            errors["signed_by_name"] = _("The customer's signatory is required.")
        if errors:
            raise ValidationError(errors)
        self.signed_on = signed_on
        self.signed_by_name = signed_by_name.strip()
        self.signed_at = timezone.now()

    @transition(
        field=status,
        source=S.SIGNED,
        target=S.COMPLETED,
        permission=RolePermission(SYSTEM),
        custom={"label": _("Complete")},
    )
    def complete(self, *, by=None):
        self.completed_at = timezone.now()

    @transition(
        field=status,
        source=S.SIGNED,
        target=S.TERMINATED,
        permission=RolePermission("manager"),
        custom={"label": _("Terminate"), "form": "ltc.forms.ReasonForm"},
    )
    def terminate(self, *, by=None, reason=""):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("A reason is required.")})
        self.termination_reason = reason
        self.terminated_at = timezone.now()


class ContractUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)


class ContractGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)


class ContractLine(models.Model):
    """A line copied from the accepted quote: its prices are the contract's, whatever the
    catalog says later."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit_price = MoneyField(_("unit price"))
    discount_pct = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
    )
    tax_rate = models.DecimalField(
        _("tax rate %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
    )
    gross = MoneyField(_("gross"), default=Decimal("0"))
    discount_amount = MoneyField(_("discount"), default=Decimal("0"))
    tax_amount = MoneyField(_("tax"), default=Decimal("0"))
    total = MoneyField(_("line total"), default=Decimal("0"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="contractline_quantity_positive"
            ),
        ]

    def __str__(self):
        return self.description or str(self.product_id)

    def compute(self):
        """Same arithmetic as a quote line: each amount to 0.01, ROUND_HALF_UP."""
        self.gross, self.discount_amount, self.tax_amount, self.total = line_amounts(
            self.quantity, self.unit_price, self.tax_rate, self.discount_pct
        )


class MilestoneTrigger(models.TextChoices):
    ON_SIGNING = "on_signing", _("On signing")
    ON_DELIVERY = "on_delivery", _("On delivery")
    ON_ACCEPTANCE = "on_acceptance", _("On acceptance")
    ON_DATE = "on_date", _("On a date")


class PaymentMilestone(models.Model):
    """One step of the payment plan (回款计划). `percentage` (of the total) or a fixed amount
    is what was entered; `amount` is always the allocated money, and the plan's amounts sum
    exactly to the contract total before review."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="milestones"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=120)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(HUNDRED)],
    )
    amount = MoneyField(_("amount"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=MilestoneTrigger.choices)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="milestone_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(trigger="on_date") | models.Q(due_date__isnull=False),
                name="milestone_on_date_has_due_date",
            ),
        ]

    def __str__(self):
        return self.name


class ContractSignOff(SignOff):
    """A sign-off (or a rejection) in one review round of a contract: who, which role, when."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="sign_offs"
    )
    review_round = models.PositiveIntegerField(_("review round"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("contract sign-off")
        verbose_name_plural = _("contract sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "review_round", "role"],
                condition=models.Q(decision="approved"),
                name="contract_signoff_once_per_round_role",
            )
        ]

    def __str__(self):
        return f"{self.contract} {self.role} {self.decision}"


def attachment_path(instance, filename: str) -> str:
    return f"contracts/{instance.contract_id}/{filename}"


class ContractAttachment(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("contract attachment")
        verbose_name_plural = _("contract attachments")

    def __str__(self):
        return self.name or self.file.name
