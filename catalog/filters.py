"""API filters for products."""

import django_filters

from ltc.money import currency_choices

from .models import Product


class ProductFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()  # active+code idx
    currency = django_filters.ChoiceFilter(choices=currency_choices)

    class Meta:
        model = Product
        fields = ["active", "currency"]
