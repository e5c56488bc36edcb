"""The opportunities and quotes sections of the account's customer 360 (ltc/summaries.py)."""

from rest_framework import serializers

from ltc.api.summary import AmountSerializer, ReadOnlyModelSerializer, SectionSerializer, state
from ltc.summaries import Section

from .models import Opportunity, Quote


class OpportunityItemSerializer(ReadOnlyModelSerializer):
    stage = state("The stage (see /api/v1/opportunities/)")
    owner_name = serializers.StringRelatedField(source="owner", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "name",
            "stage",
            "amount",
            "currency",
            "expected_close_date",
            "owner",
            "owner_name",
            "url",
        ]


class OpportunitiesSectionSerializer(SectionSerializer):
    open = serializers.IntegerField(help_text="Opportunities still open")
    won = serializers.IntegerField(help_text="Opportunities won")
    lost = serializers.IntegerField(help_text="Opportunities lost")
    open_amount = AmountSerializer(many=True, help_text="Open pipeline by currency")
    items = OpportunityItemSerializer(many=True, help_text="Open first, then the latest")


class QuoteItemSerializer(ReadOnlyModelSerializer):
    status = state("The quote's state")
    number = serializers.CharField()
    opportunity_name = serializers.CharField(
        source="opportunity.name", help_text="The name of the quote's opportunity"
    )
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "status",
            "opportunity",
            "opportunity_name",
            "total",
            "currency",
            "valid_until",
            "url",
        ]


class QuotesSectionSerializer(SectionSerializer):
    items = QuoteItemSerializer(many=True, help_text="The latest quotes")


OPPORTUNITIES = Section(
    key="opportunities",
    template="opportunities/includes/account_opportunities.html",
    data="opportunities.selectors.account_opportunities_summary",
    serializer="opportunities.summary.OpportunitiesSectionSerializer",
    order=10,
)
QUOTES = Section(
    key="quotes",
    template="opportunities/includes/account_quotes.html",
    data="opportunities.selectors.account_quotes_summary",
    serializer="opportunities.summary.QuotesSectionSerializer",
    order=20,
)
