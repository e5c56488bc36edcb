"""API filters for accounts and contacts; each is backed by an index."""

import django_filters

from .models import Account, Contact, Industry


class AccountFilter(django_filters.FilterSet):
    industry = django_filters.MultipleChoiceFilter(choices=Industry.choices)  # industry idx
    owner = django_filters.NumberFilter(field_name="owner_id")  # owner+name idx

    class Meta:
        model = Account
        fields = ["industry", "owner"]


class ContactFilter(django_filters.FilterSet):
    account = django_filters.NumberFilter(field_name="account_id")  # account+name idx

    class Meta:
        model = Contact
        fields = ["account"]
