"""The public pool in the REST API: what is in it, and claiming (sales, daily limit)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ltc.api.descriptions import described
from ltc.api.mixins import ErrorSerializer

from . import services
from .models import PoolEntry
from .selectors import pool_list


@described(
    kind="lead or account: what is in the pool",
    lead="The lead (id), for a lead in the pool",
    account="The account (id), for an account in the pool",
    name="The lead's or account's name",
    previous_owner="Who owned it before it returned to the pool (user id)",
    since="When it returned to the pool",
)
class PoolEntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    name = serializers.CharField(source="record", read_only=True)

    class Meta:
        model = PoolEntry
        fields = ["id", "kind", "lead", "account", "name", "previous_owner", "since"]
        read_only_fields = fields


@extend_schema(tags=["pool"])
class PoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leads and accounts in the public pool (公海). Sales claim them, a daily number each."""

    queryset = PoolEntry.objects.none()
    serializer_class = PoolEntrySerializer
    ordering = ["since", "pk"]
    ordering_fields = ["since"]

    def get_queryset(self):
        return pool_list(user=self.request.user)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="The claimed lead or account: {kind, id}"),
            400: OpenApiResponse(ErrorSerializer, description="Daily claim limit reached"),
            403: OpenApiResponse(ErrorSerializer, description="Only salespeople claim"),
            409: OpenApiResponse(ErrorSerializer, description="Claimed by someone else first"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def claim(self, request, pk=None):
        """Take the record: it becomes yours."""
        entry = self.get_object()
        kind = entry.kind
        record = services.pool_claim(user=request.user, entry_id=entry.pk)
        return Response({"kind": kind, "id": record.pk, "owner": request.user.pk})
