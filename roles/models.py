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


class ApiToken(models.Model):
    """A key an integrator sends as `Authorization: Token <key>` (roles.tokens).

    A user may hold several (one per integration), list them and revoke any. Only a digest of
    the key is stored: the key itself is shown once, when issued. A token stops working when
    revoked or, with LTC["API_TOKEN_TTL_DAYS"], when it expires.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user_idx")]

    def __str__(self):
        return f"{self.prefix}… ({self.name or self.user})"
