"""Stage 4b: Ticket (service case with SLA), Survey (CSAT, NPS), account flags, feedback items."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from customfields.models import CustomValuesMixin
from ltc.bases import CreatedBy, TimeStamped
from ltc.transitions import StateMachineModel
from roles.permissions import RolePermission

FORMS = "feedback.forms"


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_on_customer", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class TicketCategory(models.TextChoices):
    PRODUCT = "product", _("Product")
    DELIVERY = "delivery", _("Delivery")
    BILLING = "billing", _("Billing")
    OTHER = "other", _("Other")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# After-sales cases go to operations; the rest to customer service.
AFTER_SALES = frozenset({TicketCategory.PRODUCT, TicketCategory.DELIVERY})
# The SLA clock runs in these states and stops while waiting on the customer or resolved.
CLOCK_RUNNING = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS)
OPEN_STATES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING)

T = TicketStatus
WORKERS = RolePermission("service", "operations")


def role_for_category(category: str) -> str:
    return "operations" if category in AFTER_SALES else "service"


class Ticket(StateMachineModel, CreatedBy, TimeStamped, CustomValuesMixin):
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=TicketCategory.choices, default=TicketCategory.OTHER
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    status = FSMField(_("status"), default=T.OPEN, choices=T.choices, protected=True, db_index=True)
    # Who works the case, from the category at creation: "operations" or "service".
    assigned_role = models.CharField(_("handled by"), max_length=20, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("related order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set once when a target is missed (by the escalation task or at the late response).
    first_response_breached_at = models.DateTimeField(
        _("first response target missed"), null=True, blank=True
    )
    resolution_breached_at = models.DateTimeField(
        _("resolution target missed"), null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "created_at"], name="ticket_status_idx"),
            models.Index(fields=["assigned_role", "status"], name="ticket_role_idx"),
            models.Index(fields=["account", "status"], name="ticket_account_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("subject",)

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self):
        return reverse("feedback:ticket-detail", args=[self.pk])

    @property
    def is_breached(self) -> bool:
        return bool(self.first_response_breached_at or self.resolution_breached_at)

    # --- transitions (DESIGN.md, Ticket) -------------------------------------------------
    @transition(
        field=status,
        source=T.OPEN,
        target=T.IN_PROGRESS,
        permission=WORKERS,
        custom={"label": _("Start")},
    )
    def start(self, *, by=None):
        if self.first_response_at is None:
            self.first_response_at = timezone.now()
        if self.assignee_id is None and by is not None and by.is_authenticated:
            self.assignee = by

    @transition(
        field=status,
        source=T.IN_PROGRESS,
        target=T.WAITING,
        permission=WORKERS,
        custom={"label": _("Wait on customer")},
    )
    def wait(self, *, by=None):
        pass

    @transition(
        field=status,
        source=T.WAITING,
        target=T.IN_PROGRESS,
        permission=WORKERS,
        custom={"label": _("Resume")},
    )
    def resume(self, *, by=None):
        pass

    @transition(
        field=status,
        source=T.IN_PROGRESS,
        target=T.RESOLVED,
        permission=WORKERS,
        custom={"label": _("Resolve"), "form": f"{FORMS}.ResolveForm"},
    )
    def resolve(self, *, by=None, resolution=""):
        if not (resolution or "").strip():
            raise ValidationError({"resolution": _("Describe how the case was resolved.")})
        self.resolution = resolution.strip()
        self.resolved_at = timezone.now()

    @transition(
        field=status,
        source=T.RESOLVED,
        target=T.CLOSED,
        permission=RolePermission("service"),
        custom={"label": _("Close")},
    )
    def close(self, *, by=None):
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=[T.RESOLVED, T.CLOSED],
        target=T.OPEN,
        permission=RolePermission("service"),
        custom={"label": _("Reopen")},
    )
    def reopen(self, *, by=None):
        self.closed_at = None


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("Customer satisfaction (1–5)")
    NPS = "nps", _("Net promoter score (0–10)")


SCORE_RANGE = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}
NPS_DETRACTOR_MAX = 6
CSAT_UNHAPPY_MAX = 2


class Survey(models.Model):
    """One survey sent to one customer contact through a signed, single-use link."""

    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    # The random value inside the signed link; the link is TimestampSigner(salt).sign(token).
    token = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(_("sent to"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(ticket__isnull=False),
                name="survey_once_per_ticket",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(order__isnull=False),
                name="survey_once_per_order",
            ),
        ]
        indexes = [models.Index(fields=["kind", "answered_at"], name="survey_kind_answered_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.account}"

    def get_absolute_url(self):
        return reverse("feedback:survey-list") + f"?account={self.account_id}"

    @property
    def score_range(self) -> tuple[int, int]:
        return SCORE_RANGE[self.kind]

    @property
    def is_detractor(self) -> bool:
        return (
            self.kind == SurveyKind.NPS
            and self.score is not None
            and self.score <= NPS_DETRACTOR_MAX
        )

    @property
    def is_unhappy(self) -> bool:
        """An answer that flags the account: a detractor NPS (0–6) or a CSAT of 1–2."""
        if self.score is None:
            return False
        if self.kind == SurveyKind.CSAT:
            return self.score <= CSAT_UNHAPPY_MAX
        return self.is_detractor


class FlagReason(models.TextChoices):
    DETRACTOR = "detractor", _("Detractor NPS answer")
    LOW_CSAT = "low_csat", _("Unhappy CSAT answer (1–2)")
    SLA_BREACH = "sla_breach", _("Service ticket missed its SLA")


class AccountFlag(models.Model):
    """Service tells sales: this account is unhappy. Shown on the account's open deals and in
    the owner's work queue until service clears it."""

    account = models.ForeignKey(
        "customers.Account", verbose_name=_("account"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account flag")
        verbose_name_plural = _("account flags")
        indexes = [models.Index(fields=["account", "cleared_at"], name="accountflag_open_idx")]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("account", "reason")

    def __str__(self):
        return f"{self.account} · {self.get_reason_display()}"

    def get_absolute_url(self):
        return reverse("feedback:flag-list")


class FeedbackKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")


class FeedbackCategory(models.TextChoices):
    MARKET = "market", _("Market and competitors")
    PRODUCT = "product", _("Product")
    DELIVERY = "delivery", _("Delivery")
    PRICING = "pricing", _("Pricing")
    OTHER = "other", _("Other")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DONE = "done", _("Done")


def feedback_route(*, kind: str, category: str) -> str:
    """A product or delivery complaint goes to operations; everything else (suggestions,
    market feedback) to marketing."""
    if kind == FeedbackKind.COMPLAINT and category in (
        FeedbackCategory.PRODUCT,
        FeedbackCategory.DELIVERY,
    ):
        return "operations"
    return "marketing"


class FeedbackItem(TimeStamped):
    """Market feedback captured by sales or service: a suggestion or a complaint."""

    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=FeedbackCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    routed_to = models.CharField(_("routed to"), max_length=20, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("captured by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        indexes = [models.Index(fields=["routed_to", "status"], name="feedback_route_idx")]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("title",)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback:item-list")
