"""KPI snapshots (the daily rollup), targets, and the hand-off ratings of internal
collaboration (内部协作满意度)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ltc.bases import CreatedBy
from ltc.money import CurrencyField, default_currency

AMOUNT = {"max_digits": 20, "decimal_places": 4}


class KpiSnapshot(models.Model):
    """One metric's numerator and denominator for one day, owner, team and currency.

    A ratio over any longer period, team or the company is Σnumerator ÷ Σdenominator. The
    currency is empty for metrics that are not money. Written only by kpis.rollup.
    """

    day = models.DateField(_("day"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "roles.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    metric = models.CharField(_("metric"), max_length=80)
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    numerator = models.DecimalField(_("numerator"), default=Decimal("0"), **AMOUNT)
    denominator = models.DecimalField(_("denominator"), default=Decimal("0"), **AMOUNT)

    class Meta:
        ordering = ["day", "metric"]
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        constraints = [
            # NULL owner/team (unowned rows) must collide too, so compare them as 0.
            models.UniqueConstraint(
                models.F("day"),
                Coalesce("owner", models.Value(0)),
                Coalesce("team", models.Value(0)),
                models.F("metric"),
                models.F("currency"),
                name="kpi_snapshot_once",
            )
        ]
        indexes = [
            models.Index(fields=["metric", "day"], name="kpi_metric_day_idx"),
            models.Index(fields=["metric", "owner", "day"], name="kpi_metric_owner_idx"),
            models.Index(fields=["metric", "team", "day"], name="kpi_metric_team_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.metric} {self.numerator}/{self.denominator}"


class TargetMetric(models.TextChoices):
    BOOKINGS = "bookings", _("Bookings")
    COLLECTIONS = "collected", _("Collections")
    NEW_CUSTOMERS = "new_customers", _("New customers")
    QUALIFIED_LEADS = "qualified_leads", _("Qualified leads")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class Target(CreatedBy):
    """A goal (目标) for a person or a team for one month or quarter."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpi_targets",
    )
    team = models.ForeignKey(
        "roles.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpi_targets",
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    # The first day of the month or quarter.
    period_start = models.DateField(_("period start"))
    metric = models.CharField(_("metric"), max_length=30, choices=TargetMetric.choices)
    value = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = CurrencyField(default=default_currency)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "metric", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False, team__isnull=True)
                | models.Q(owner__isnull=True, team__isnull=False),
                name="kpi_target_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="kpi_target_not_negative"
            ),
            models.UniqueConstraint(
                Coalesce("owner", models.Value(0)),
                Coalesce("team", models.Value(0)),
                models.F("period_kind"),
                models.F("period_start"),
                models.F("metric"),
                name="kpi_target_once",
            ),
        ]
        indexes = [models.Index(fields=["metric", "period_start"], name="kpi_target_idx")]

    def __str__(self):
        return f"{self.subject} · {self.get_metric_display()} · {self.period_label}"

    @property
    def subject(self):
        return self.owner or self.team

    @property
    def period_end(self):
        from .periods import add_months, month_start

        months = 1 if self.period_kind == PeriodKind.MONTH else 3
        return add_months(month_start(self.period_start), months) - timezone.timedelta(days=1)

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.QUARTER:
            return f"{self.period_start.year}Q{(self.period_start.month - 1) // 3 + 1}"
        return f"{self.period_start:%Y-%m}"


class HandoffRating(models.Model):
    """A 1–5 rating the receiving role gives a hand-off it took over (optional, one click).

    One per user, record and hand-off; clicking again changes the score.
    """

    handoff = models.CharField(_("hand-off"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.CASCADE
    )
    rated_at = models.DateTimeField(_("rated"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("hand-off rating")
        verbose_name_plural = _("hand-off ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["handoff", "content_type", "object_id", "rated_by"],
                name="kpi_rating_once",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="kpi_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.handoff} {self.score}"


class DigestSent(models.Model):
    """The weekly digest of one ISO week was sent: the key that makes it once a week."""

    week = models.CharField(max_length=10, unique=True)  # e.g. 2026-W48
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.week
