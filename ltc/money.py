"""Money is Decimal with a currency; these are the shared field shapes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def currency_choices():
    return [(c, c) for c in settings.LTC["CURRENCIES"]]


def default_currency():
    return settings.LTC["DEFAULT_CURRENCY"]


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
