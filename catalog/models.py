from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customfields.models import CustomValuesMixin
from ltc.audit import audit_history
from ltc.money import CurrencyField, MoneyField
from rules import accessors as rule_values


def default_tax_rate():
    """The tax rate a new product starts with (a business rule, edited in the browser)."""
    return rule_values.default_tax_rate()


# The usual units of sale, by their stored code, with the name shown in the UI. A unit typed
# in that is not listed is shown as typed.
UNIT_LABELS = {
    "pcs": pgettext_lazy("unit", "pcs"),
    "seat": pgettext_lazy("unit", "seat"),
    "day": pgettext_lazy("unit", "day"),
    "year": pgettext_lazy("unit", "year"),
    "month": pgettext_lazy("unit", "month"),
    "hour": pgettext_lazy("unit", "hour"),
    "set": pgettext_lazy("unit", "set"),
}


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


class Product(CustomValuesMixin, models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    price = MoneyField(_("unit price"))
    currency = CurrencyField()
    tax_rate = models.DecimalField(
        _("tax rate %"),
        max_digits=5,
        decimal_places=2,
        default=default_tax_rate,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    is_goods = models.BooleanField(
        _("physical goods"),
        default=True,
        help_text=_(
            "Goods ship with a carrier and a tracking number; services (such as implementation "
            "days) are delivered without."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["active", "code"], name="product_active_idx")]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse("catalog:product-detail", args=[self.pk])

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)
