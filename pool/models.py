"""The public pool (公海): leads and accounts nobody worked on for N days lose their owner
and wait here until a salesperson claims them (a daily limit each). Every return and claim
is logged."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PoolEntry(models.Model):
    """A lead or an account in the pool now; deleted when claimed."""

    lead = models.OneToOneField(
        "leads.Lead",
        verbose_name=_("lead"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pool_entry",
    )
    account = models.OneToOneField(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pool_entry",
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    since = models.DateTimeField(_("in the pool since"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["since", "pk"]
        verbose_name = _("pool entry")
        verbose_name_plural = _("pool")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(lead__isnull=False, account__isnull=True)
                    | models.Q(lead__isnull=True, account__isnull=False)
                ),
                name="pool_entry_lead_xor_account",
            )
        ]

    def __str__(self):
        return str(self.record)

    def get_absolute_url(self):
        return reverse("pool:list")

    @property
    def record(self):
        return self.lead if self.lead_id else self.account

    @property
    def kind(self) -> str:
        return "lead" if self.lead_id else "account"


class PoolEvent(models.Model):
    class Kind(models.TextChoices):
        RETURN = "return", _("Returned to the pool")
        CLAIM = "claim", _("Claimed")

    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # return: the owner who lost it; claim: the salesperson who took it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who did it; empty for the daily return task.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("pool event")
        verbose_name_plural = _("pool events")
        indexes = [
            models.Index(fields=["by", "kind", "at"], name="poolevent_claims_idx"),
            models.Index(fields=["lead", "kind", "at"], name="poolevent_lead_idx"),
            models.Index(fields=["account", "kind", "at"], name="poolevent_account_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.lead or self.account}"
