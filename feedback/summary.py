"""The tickets and surveys sections of the account's customer 360 (ltc/summaries.py)."""

from rest_framework import serializers

from ltc.api.summary import ReadOnlyModelSerializer, SectionSerializer, state
from ltc.summaries import Section

from .models import Survey, Ticket


class TicketItemSerializer(ReadOnlyModelSerializer):
    status = state("The ticket's state")
    priority = state("low, normal, high or urgent")
    category = state("product, delivery, billing or other")
    assignee_name = serializers.StringRelatedField(source="assignee", allow_null=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "status",
            "priority",
            "category",
            "assignee",
            "assignee_name",
            "created_at",
            "url",
        ]


class TicketsSectionSerializer(SectionSerializer):
    open = serializers.IntegerField(help_text="Open, in progress or waiting on the customer")
    items = TicketItemSerializer(many=True, help_text="Open first, then the latest")


class SurveyItemSerializer(ReadOnlyModelSerializer):
    kind = state("nps or csat")

    class Meta:
        model = Survey
        fields = ["id", "kind", "score", "comment", "sent_at", "answered_at", "ticket", "order"]
        extra_kwargs = {
            "score": {"help_text": "The answer: 1-5 for CSAT, 0-10 for NPS; null until answered"}
        }


class SurveysSectionSerializer(SectionSerializer):
    latest_nps = SurveyItemSerializer(allow_null=True, help_text="The latest answered NPS")
    latest_csat = SurveyItemSerializer(allow_null=True, help_text="The latest answered CSAT")
    items = SurveyItemSerializer(many=True, help_text="The latest surveys")


TICKETS = Section(
    key="tickets",
    template="feedback/includes/account_tickets.html",
    data="feedback.selectors.account_tickets_summary",
    serializer="feedback.summary.TicketsSectionSerializer",
    order=70,
)
SURVEYS = Section(
    key="surveys",
    template="feedback/includes/account_surveys.html",
    data="feedback.selectors.account_surveys_summary",
    serializer="feedback.summary.SurveysSectionSerializer",
    order=80,
)
