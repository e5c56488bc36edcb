"""API filters for opportunities and quotes (the board, list and forecast share owner/team/
close month via selectors.opportunity_filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from customers.selectors import account_list
from leads.selectors import lead_list
from ltc.api.filters import VisibleFilter

from .models import Opportunity, Quote, QuoteStatus, Stage
from .selectors import opportunity_filter, opportunity_list


class OpportunityFilter(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices)
    owner = django_filters.NumberFilter(field_name="owner_id")
    solution_owner = django_filters.NumberFilter(field_name="solution_owner_id")
    fulfilment_owner = django_filters.NumberFilter(field_name="fulfilment_owner_id")
    account = VisibleFilter(field_name="account", selector=account_list)
    lead = VisibleFilter(field_name="lead", selector=lead_list)
    team = django_filters.NumberFilter(method="filter_team", label=_("Team"))
    close_month = django_filters.CharFilter(
        method="filter_close_month", label=_("Expected close month (YYYY-MM)")
    )
    expected_close_date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Opportunity
        fields = [
            "stage",
            "owner",
            "solution_owner",
            "fulfilment_owner",
            "account",
            "lead",
            "currency",
        ]

    def filter_team(self, queryset, name, value):
        return opportunity_filter(queryset, team=value)

    def filter_close_month(self, queryset, name, value):
        try:
            return opportunity_filter(queryset, close_month=value)
        except (ValueError, TypeError):
            return queryset.none()


class QuoteFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=QuoteStatus.choices)
    opportunity = VisibleFilter(field_name="opportunity", selector=opportunity_list)
    account = VisibleFilter(field_name="opportunity__account", selector=account_list)
    lead = VisibleFilter(field_name="opportunity__lead", selector=lead_list)

    class Meta:
        model = Quote
        fields = ["status", "opportunity", "account", "lead", "currency", "superseded"]
