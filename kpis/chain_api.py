"""GET /api/v1/chain/{resource}/{id}/: the whole deal a record belongs to, with the state
history and dwell time of every record and the deal's lead-to-cash cycle time."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .chain import PLURALS, RESOURCES, as_dict, build_chain


class StateVisitSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="The state's value")
    label = serializers.CharField(help_text="The state's name, in the caller's language")
    entered_at = serializers.DateTimeField(
        allow_null=True, help_text="When the record entered the state"
    )
    left_at = serializers.DateTimeField(
        allow_null=True, help_text="When it left the state; null while it is in it"
    )
    by = serializers.CharField(help_text="Who moved the record into this state")
    seconds = serializers.IntegerField(
        allow_null=True, help_text="Time spent in the state (so far, if current); null if final"
    )
    next_roles = serializers.ListField(
        child=serializers.CharField(), help_text="Roles that own the next move from this state"
    )
    current = serializers.BooleanField(help_text="The record is in this state now")


class ChainRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The record's id in its resource")
    title = serializers.CharField(help_text="The record as named in its list")
    url = serializers.CharField(help_text="The record's page in the browser")
    state = serializers.CharField(help_text="Its current state's value")
    state_label = serializers.CharField(help_text="Its current state, in the caller's language")
    created_at = serializers.DateTimeField(allow_null=True, help_text="When it was created")
    next_roles = serializers.ListField(
        child=serializers.CharField(), help_text="Roles that own its next move"
    )
    next_person = serializers.CharField(
        help_text="Its assignee or owner, when a role still has a move to make"
    )
    seconds = serializers.IntegerField(
        allow_null=True, help_text="Time in its current state so far; null once final"
    )
    states = StateVisitSerializer(many=True, help_text="Every state it went through, in order")


class ChainStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(RESOURCES), help_text="The stage of the deal")
    label = serializers.CharField(help_text="The stage's name, in the caller's language")
    records = ChainRecordSerializer(many=True, help_text="The stage's records")


class CycleTimeSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField(
        allow_null=True, help_text="When the lead (without a lead, the opportunity) was created"
    )
    ended_at = serializers.DateTimeField(
        allow_null=True, help_text="When the deal's last invoice was paid; null until then"
    )
    seconds = serializers.IntegerField(
        allow_null=True,
        help_text="Cycle time in seconds: to the last payment, or so far while incomplete",
    )
    days = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="Cycle time in days",
    )
    complete = serializers.BooleanField(help_text="Every invoice of the deal is paid")


class ChainSerializer(serializers.Serializer):
    resource = serializers.CharField(help_text="The resource the chain was asked from")
    id = serializers.IntegerField(help_text="The id of the record it was asked from")
    opportunity = serializers.IntegerField(
        allow_null=True, help_text="The deal's opportunity; null before the lead converted"
    )
    cycle_time = CycleTimeSerializer(help_text="Lead created to the last invoice paid")
    steps = ChainStepSerializer(
        many=True, help_text="Each stage of the deal with its records the caller may see"
    )


class ChainViewSet(viewsets.ViewSet):
    """The chain of a deal from any of its records (lead, opportunity, quote, contract, order,
    shipment, invoice, payment, ticket, survey; singular or the API's plural names)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["kpis"],
        summary="The whole deal a record belongs to, with dwell times",
        parameters=[
            OpenApiParameter(
                "resource",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[*RESOURCES, *PLURALS],
            ),
            OpenApiParameter("record_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={
            200: ChainSerializer,
            404: OpenApiResponse(description="No such record, or not yours to see"),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"(?P<resource>[a-z-]+)/(?P<record_id>[0-9]+)",
    )
    def record(self, request, resource=None, record_id=None):
        chain = build_chain(resource=resource, pk=int(record_id), user=request.user)
        return Response(as_dict(chain))
