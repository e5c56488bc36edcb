"""The contracts section of the account's customer 360 (ltc/summaries.py)."""

from rest_framework import serializers

from ltc.api.summary import ReadOnlyModelSerializer, SectionSerializer, state
from ltc.summaries import Section

from .models import Contract


class ContractItemSerializer(ReadOnlyModelSerializer):
    status = state("The contract's state")
    planned = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Sum of its payment milestones"
    )
    milestone_count = serializers.IntegerField(help_text="How many payment milestones it has")
    plan_status = serializers.ChoiceField(
        choices=["none", "incomplete", "complete"],
        help_text="none: no milestone; incomplete: the plan does not sum to the total",
    )
    plan_difference = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Total minus planned"
    )
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "version",
            "status",
            "total",
            "currency",
            "signed_on",
            "planned",
            "milestone_count",
            "plan_status",
            "plan_difference",
            "url",
        ]


class ContractsSectionSerializer(SectionSerializer):
    signed = serializers.IntegerField(help_text="Signed contracts in force")
    items = ContractItemSerializer(many=True, help_text="The latest contracts")


CONTRACTS = Section(
    key="contracts",
    template="contracts/includes/account_contracts.html",
    data="contracts.selectors.account_contracts_summary",
    serializer="contracts.summary.ContractsSectionSerializer",
    order=30,
)
