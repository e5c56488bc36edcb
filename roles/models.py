from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The departments of the lead-to-cash chain; each is a Django group of the same slug."""

    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    SALES_SUPPORT = "sales_support", _("Sales support")
    OPERATIONS = "operations", _("Operations")
    FINANCE = "finance", _("Finance")
    SERVICE = "service", _("Customer service")
    MANAGER = "manager", _("Manager")


# Pseudo-role for transitions that only Celery runs (expire, mark_overdue, ...).
SYSTEM = "system"


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name
