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
    state = serializers.CharField()
    label = serializers.CharField()
    entered_at = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField(allow_null=True)
    by = serializers.CharField(help_text="Who moved the record into this state")
    seconds = serializers.IntegerField(
        allow_null=True, help_text="Time spent in the state (so far, if current); null if final"
    )
    next_roles = serializers.ListField(
        child=serializers.CharField(), help_text="Roles that own the next move from this state"
    )
    current = serializers.BooleanField()


class ChainRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    next_roles = serializers.ListField(child=serializers.CharField())
    next_person = serializers.CharField()
    seconds = serializers.IntegerField(allow_null=True)
    states = StateVisitSerializer(many=True)


class ChainStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(RESOURCES))
    label = serializers.CharField()
    records = ChainRecordSerializer(many=True)


class CycleTimeSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    seconds = serializers.IntegerField(allow_null=True)
    days = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="Cycle time in days",
    )
    complete = serializers.BooleanField(help_text="Every invoice of the deal is paid")


class ChainSerializer(serializers.Serializer):
    resource = serializers.CharField()
    id = serializers.IntegerField()
    opportunity = serializers.IntegerField(allow_null=True)
    cycle_time = CycleTimeSerializer()
    steps = ChainStepSerializer(many=True)


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
