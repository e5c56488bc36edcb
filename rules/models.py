"""The business rules a manager set in the browser, and the record of every change.

A `Rule` holds the value of one rule (a dotted path into settings.LTC, e.g.
"SLA.urgent.first_response_hours", or "CALENDAR.2027" for a year's holidays) as JSON; a rule
without a row has the settings file's default. Values are read through rules.accessors."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.Model):
    key = models.CharField(_("rule"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("business rule")
        verbose_name_plural = _("business rules")

    def __str__(self):
        return self.key


class RuleChange(models.Model):
    """One change of one rule: who, when, the value before (the default if it had never been
    set) and after. Never edited."""

    key = models.CharField(_("rule"), max_length=100)
    old_value = models.JSONField(_("old value"), null=True)
    new_value = models.JSONField(_("new value"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["-changed_at", "-id"], name="rulechange_recent_idx")]
        verbose_name = _("business rule change")
        verbose_name_plural = _("business rule changes")

    def __str__(self):
        return f"{self.key}: {self.old_value} → {self.new_value}"
