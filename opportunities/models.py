"""Stage 2: Opportunity, Quote (+ lines) and the quote sign-offs (DESIGN.md tables)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from customfields.models import CustomValuesMixin
from leads.models import LeadSource, lead_source_display, validate_lead_source
from ltc.audit import audit_history
from ltc.bases import CreatedBy, TimeStamped
from ltc.money import CurrencyField, MoneyField, line_amounts, money
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

FORMS = "opportunities.forms"


class Stage(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification")
    NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = (Stage.QUALIFICATION, Stage.NEEDS_ANALYSIS, Stage.PROPOSAL, Stage.NEGOTIATION)
CLOSED_STAGES = (Stage.WON, Stage.LOST)


def stage_probability(stage: str) -> int:
    """Default probability (%) of `stage`: a business rule per open stage (edited in the
    browser), 100 won, 0 lost. Editable per record within its stage and reset to the default
    on every stage change; a record keeps its value when the default changes."""
    return rule_values.stage_probability(str(stage))


def default_probability() -> int:
    return stage_probability(Stage.QUALIFICATION)


class LostReason(models.Model):
    """Why deals are lost: a list a manager edits."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")

    def __str__(self):
        return self.name


class Opportunity(StateMachineModel, CreatedBy, TimeStamped, CustomValuesMixin):
    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    lead = models.OneToOneField(
        "leads.Lead",
        verbose_name=_("lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunity",
    )
    stage = FSMField(
        _("stage"),
        default=Stage.QUALIFICATION,
        choices=Stage.choices,
        protected=True,
        db_index=True,
    )
    amount = MoneyField(_("amount"), default=Decimal("0"))
    currency = CurrencyField()
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability %"),
        default=default_probability,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(
        _("source"), max_length=20, default=LeadSource.OTHER, validators=[validate_lead_source]
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_follow_up_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    competitors = models.CharField(_("competitors"), max_length=300, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    lost_note = models.TextField(_("lost note"), blank=True)
    # The iron triangle: account owner (sales), solution owner (sales support), fulfilment
    # owner (operations).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    solution_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solution owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solution_opportunities",
    )
    fulfilment_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fulfilment owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilment_opportunities",
    )
    stage_changed_at = models.DateTimeField(_("stage changed"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["owner", "stage", "expected_close_date"], name="opp_owner_idx"),
            models.Index(fields=["stage", "expected_close_date"], name="opp_stage_close_idx"),
            models.Index(fields=["solution_owner", "stage"], name="opp_solution_idx"),
            models.Index(fields=["fulfilment_owner", "stage"], name="opp_fulfil_idx"),
            models.Index(fields=["owner", "next_follow_up_at"], name="opp_followup_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def weighted_amount(self) -> Decimal:
        return money(self.amount * self.probability / Decimal(100))

    get_source_display = lead_source_display

    def record_activity(self, activity):
        self.last_activity_at = activity.created_at
        Opportunity.objects.filter(pk=self.pk).update(last_activity_at=activity.created_at)

    def _enter(self, stage: str):
        """Bookkeeping for a stage change (the FSM sets the stage after the method returns)."""
        self.probability = stage_probability(stage)
        self.stage_changed_at = timezone.now()
        self.closed_at = timezone.now() if stage in CLOSED_STAGES else None

    def has_quote_in(self, *statuses: str) -> bool:
        return self.quotes.filter(status__in=statuses).exists()

    # --- transitions (DESIGN.md, Opportunity) --------------------------------------------
    @transition(
        field=stage,
        source=Stage.QUALIFICATION,
        target=Stage.NEEDS_ANALYSIS,
        permission=RolePermission("sales"),
        custom={"label": _("Analyse needs")},
    )
    def analyze(self, *, by=None):
        self._enter(Stage.NEEDS_ANALYSIS)

    @transition(
        field=stage,
        source=Stage.NEEDS_ANALYSIS,
        target=Stage.PROPOSAL,
        permission=RolePermission("sales"),
        custom={"label": _("Propose")},
    )
    def propose(self, *, by=None):
        # An approved quote (one that was approved and since sent or accepted counts too).
        if not self.has_quote_in(QuoteStatus.APPROVED, QuoteStatus.SENT, QuoteStatus.ACCEPTED):
            raise ValidationError({"quote": _("An approved quote is required before proposing.")})
        self._enter(Stage.PROPOSAL)

    @transition(
        field=stage,
        source=Stage.PROPOSAL,
        target=Stage.NEGOTIATION,
        permission=RolePermission("sales"),
        custom={"label": _("Negotiate")},
    )
    def negotiate(self, *, by=None):
        self._enter(Stage.NEGOTIATION)

    @transition(
        field=stage,
        source=Stage.NEGOTIATION,
        target=Stage.WON,
        permission=RolePermission("sales"),
        custom={"label": _("Win")},
    )
    def win(self, *, by=None):
        if not self.has_quote_in(QuoteStatus.ACCEPTED):
            raise ValidationError(
                {"quote": _("An accepted quote is required to win the opportunity.")}
            )
        self._enter(Stage.WON)

    @transition(
        field=stage,
        source=list(OPEN_STAGES),
        target=Stage.LOST,
        permission=RolePermission("sales"),
        custom={"label": _("Lose"), "form": f"{FORMS}.LoseForm"},
    )
    def lose(self, *, by=None, lost_reason=None, lost_note=""):
        if lost_reason is None:
            raise ValidationError({"lost_reason": _("A lost reason is required.")})
        self.lost_reason = lost_reason
        self.lost_note = lost_note or ""
        self._enter(Stage.LOST)

    @transition(
        field=stage,
        source=Stage.LOST,
        target=Stage.QUALIFICATION,
        permission=RolePermission("manager"),
        custom={"label": _("Reopen")},
    )
    def reopen(self, *, by=None):
        self.lost_reason = None
        self.lost_note = ""
        self._enter(Stage.QUALIFICATION)


class OpportunityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Opportunity, on_delete=models.CASCADE)


class OpportunityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Opportunity, on_delete=models.CASCADE)


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


Q = QuoteStatus


def default_valid_until():
    """Today plus the quote validity in force (a business rule)."""
    return timezone.localdate() + datetime.timedelta(days=rule_values.quote_validity_days())


def required_sign_offs(max_discount_pct: Decimal) -> list[str]:
    """The discount policy in force (business rules): at or below the first gate nobody signs;
    above it its signers (by default the manager); above the second gate its signers too (by
    default finance)."""
    return [SignOffRole(role) for role in rule_values.discount_sign_offs(max_discount_pct)]


class Quote(SignOffSteps, StateMachineModel, CreatedBy, TimeStamped, CustomValuesMixin):
    # Each signer's decisions: closed once that signer has signed off (ltc.signoffs).
    sign_off_steps = {
        "approve": SignOffRole.MANAGER,
        "reject": SignOffRole.MANAGER,
        "sign_off": SignOffRole.FINANCE,
    }

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT, related_name="quotes"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    revised_from = models.OneToOneField(
        "self",
        verbose_name=_("revised from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision",
    )
    status = FSMField(
        _("status"), default=Q.DRAFT, choices=Q.choices, protected=True, db_index=True
    )
    valid_until = models.DateField(_("valid until"), default=default_valid_until)
    currency = CurrencyField()
    notes = models.TextField(_("notes"), blank=True)
    # Totals: computed by the server from the lines, never taken from the client.
    subtotal = MoneyField(_("subtotal"), default=Decimal("0"))
    discount_total = MoneyField(_("discount"), default=Decimal("0"))
    tax_total = MoneyField(_("tax"), default=Decimal("0"))
    total = MoneyField(_("total"), default=Decimal("0"))
    # The sign-offs the discount policy required at submission.
    needs_manager_sign_off = models.BooleanField(_("needs manager sign-off"), default=False)
    needs_finance_sign_off = models.BooleanField(_("needs finance sign-off"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("customer answered"), null=True, blank=True)
    decline_reason = models.TextField(_("decline reason"), blank=True)
    superseded = models.BooleanField(_("superseded by a newer version"), default=False)

    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "version"], name="quote_opportunity_version_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="quote_status_valid_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("opportunity_id", "version")

    def __str__(self):
        return f"Q-{self.opportunity_id:05d}-v{self.version}"

    @property
    def number(self) -> str:
        return str(self)

    def get_absolute_url(self):
        return reverse("opportunities:quote-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Lines change only on a draft that is the current version and was not rejected (a
        rejected quote stays as reviewed: revise it into a new version)."""
        return self.status == Q.DRAFT and not self.superseded and self.rejected_at is None

    @property
    def custom_editable(self) -> bool:
        """Its custom fields are annotated after the commercial terms are fixed (in review,
        approved, sent), until the customer's answer or the expiry makes the version final
        (accepted, declined, expired) or a newer version supersedes it."""
        return not self.superseded and self.status not in (Q.ACCEPTED, Q.DECLINED, Q.EXPIRED)

    @property
    def can_revise(self) -> bool:
        rejected = self.status == Q.DRAFT and self.rejected_at is not None
        return not self.superseded and (rejected or self.status in (Q.DECLINED, Q.EXPIRED))

    def required_sign_offs(self) -> list[str]:
        roles = []
        if self.needs_manager_sign_off:
            roles.append(SignOffRole.MANAGER)
        if self.needs_finance_sign_off:
            roles.append(SignOffRole.FINANCE)
        return roles

    def missing_sign_offs(self) -> list[str]:
        done = self.sign_offs.filter(decision=SignOffDecision.APPROVED).values_list(
            "role", flat=True
        )
        return missing_sign_offs(self.required_sign_offs(), done)

    def recalculate(self, lines=None):
        """Totals from the lines (each line already quantized to 0.01, ROUND_HALF_UP)."""
        lines = list(self.lines.all()) if lines is None else lines
        self.subtotal = sum((line.gross for line in lines), Decimal("0.00"))
        self.discount_total = sum((line.discount_amount for line in lines), Decimal("0.00"))
        self.tax_total = sum((line.tax_amount for line in lines), Decimal("0.00"))
        self.total = sum((line.total for line in lines), Decimal("0.00"))

    def max_discount_pct(self) -> Decimal:
        return max((line.discount_pct for line in self.lines.all()), default=Decimal("0"))

    # --- transitions (DESIGN.md, Quote) ----------------------------------------------------
    @transition(
        field=status,
        source=Q.DRAFT,
        target=Q.PENDING_APPROVAL,
        permission=RolePermission("sales_support"),
        custom={"label": _("Submit")},
    )
    def submit(self, *, by=None):
        # opportunities.services.quote_submit moves a quote within policy on to approved.
        if self.superseded:
            raise ValidationError(_("A newer version of this quote exists."))
        if self.rejected_at is not None:
            raise ValidationError(_("This quote was rejected: revise it into a new version."))
        if not self.lines.exists():
            raise ValidationError({"lines": _("Add at least one line before submitting.")})
        roles = required_sign_offs(self.max_discount_pct())
        self.needs_manager_sign_off = SignOffRole.MANAGER in roles
        self.needs_finance_sign_off = SignOffRole.FINANCE in roles
        self.submitted_at = timezone.now()

    @transition(
        field=status,
        source=Q.PENDING_APPROVAL,
        target=Q.APPROVED,
        permission=RolePermission("manager"),
        custom={"label": _("Approve"), "form": "ltc.forms.CommentForm"},
    )
    def approve(self, *, by=None):
        ensure_signed_off(self.missing_sign_offs(), SignOffRole)
        self.approved_at = timezone.now()

    @transition(
        field=status,
        source=Q.PENDING_APPROVAL,
        target=Q.PENDING_APPROVAL,
        permission=RolePermission("finance"),
        custom={"label": _("Finance sign-off"), "form": "ltc.forms.CommentForm"},
    )
    def sign_off(self, *, by=None):
        # Recorded by opportunities.services.quote_sign_off (a self-loop: the state changes
        # to approved only when every required sign-off is in).
        pass

    @transition(
        field=status,
        source=Q.PENDING_APPROVAL,
        target=Q.DRAFT,
        permission=RolePermission("manager"),
        custom={"label": _("Reject"), "form": "ltc.forms.ReasonForm"},
    )
    def reject(self, *, by=None, reason=""):
        if not reason.strip():
            raise ValidationError({"reason": _("A reason is required.")})
        self.rejection_reason = reason
        self.rejected_at = timezone.now()

    @transition(
        field=status,
        source=Q.APPROVED,
        target=Q.SENT,
        permission=RolePermission("sales"),
        custom={"label": _("Send")},
    )
    def send(self, *, by=None):
        self.sent_at = timezone.now()

    @transition(
        field=status,
        source=Q.SENT,
        target=Q.ACCEPTED,
        permission=RolePermission("sales"),
        custom={"label": _("Accept (customer)")},
    )
    def accept(self, *, by=None):
        self.answered_at = timezone.now()

    @transition(
        field=status,
        source=Q.SENT,
        target=Q.DECLINED,
        permission=RolePermission("sales"),
        custom={"label": _("Decline (customer)"), "form": f"{FORMS}.DeclineForm"},
    )
    def decline(self, *, by=None, reason=""):
        self.decline_reason = reason or ""
        self.answered_at = timezone.now()

    @transition(
        field=status,
        source=Q.SENT,
        target=Q.EXPIRED,
        permission=RolePermission(SYSTEM),
        custom={"label": _("Expire")},
    )
    def expire(self, *, by=None):
        if self.valid_until >= timezone.localdate():
            raise ValidationError({"valid_until": _("The quote is still valid.")})


class QuoteUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Quote, on_delete=models.CASCADE)


class QuoteGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Quote, on_delete=models.CASCADE)


class QuoteLine(models.Model):
    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
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
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    tax_rate = models.DecimalField(
        _("tax rate %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # Computed by the server (see compute()).
    gross = MoneyField(_("gross"), default=Decimal("0"))
    discount_amount = MoneyField(_("discount"), default=Decimal("0"))
    tax_amount = MoneyField(_("tax"), default=Decimal("0"))
    total = MoneyField(_("line total"), default=Decimal("0"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="quoteline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_pct__gte=0, discount_pct__lte=100),
                name="quoteline_discount_range",
            ),
        ]

    def __str__(self):
        return self.description or str(self.product_id)

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount_amount

    def compute(self):
        """gross = qty × price; discount = gross × pct; tax on the net; each to 0.01 half-up."""
        self.gross, self.discount_amount, self.tax_amount, self.total = line_amounts(
            self.quantity, self.unit_price, self.tax_rate, self.discount_pct
        )

    def clean(self):
        super().clean()
        if self.product_id and self.quote_id and self.product.currency != self.quote.currency:
            raise ValidationError(
                {
                    "product": _(
                        "The product is priced in %(product)s but the quote is in %(quote)s."
                    )
                    % {"product": self.product.currency, "quote": self.quote.currency}
                }
            )


class QuoteSignOff(SignOff):
    """One required sign-off (or a rejection) on a quote: who, in which role, when."""

    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="sign_offs"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("quote sign-off")
        verbose_name_plural = _("quote sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "role"],
                condition=models.Q(decision="approved"),
                name="quote_signoff_once_per_role",
            )
        ]

    def __str__(self):
        return f"{self.quote} {self.role} {self.decision}"
