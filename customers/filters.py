"""API filters for accounts and contacts; each is backed by an index."""

import django_filters

from ltc.api.filters import VisibleFilter

from .models import Account, Contact, Industry
from .selectors import account_list


class AccountFilter(django_filters.FilterSet):
    industry = django_filters.MultipleChoiceFilter(choices=Industry.choices)  # industry idx
    owner = django_filters.NumberFilter(field_name="owner_id")  # owner+name idx

    class Meta:
        model = Account
        fields = ["industry", "owner"]


class ContactFilter(django_filters.FilterSet):
    account = VisibleFilter(field_name="account", selector=account_list)  # account+name idx

    class Meta:
        model = Contact
        fields = ["account"]
