"""Money is Decimal with a currency: the shared field shapes, the rounding (to the cent, half
up) and the arithmetic of a priced line, used by quotes, contracts and invoices alike."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """To 0.01, half up (a float from a database aggregate goes through its repr)."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amounts(
    quantity, unit_price, tax_rate, discount_pct=0
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(gross, discount, tax, total) of one line: gross = quantity x price; the discount a
    percentage of the gross; tax on what remains; each amount to the cent, half up."""
    gross = money(Decimal(quantity) * Decimal(unit_price))
    discount = money(gross * Decimal(discount_pct) / HUNDRED)
    tax = money((gross - discount) * Decimal(tax_rate) / HUNDRED)
    return gross, discount, tax, gross - discount + tax


def currency_choices():
    return [(c, c) for c in settings.LTC["CURRENCIES"]]


def default_currency():
    """The default currency in force (a business rule, edited in the browser)."""
    from rules.accessors import default_currency as current_default

    return current_default()


def MoneyField(verbose_name, **kwargs):  # noqa: N802 - reads like a field class
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, **kwargs)


def CurrencyField(verbose_name=None, **kwargs):  # noqa: N802
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("choices", currency_choices())
    kwargs.setdefault("default", default_currency)
    return models.CharField(verbose_name or _("currency"), **kwargs)
