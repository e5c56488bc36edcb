"""Global search in the REST API: the same role-scoped hits as the top bar."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from .selectors import MIN_LENGTH, global_search


class HitSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The record as named in its list")
    detail = serializers.CharField(
        allow_blank=True, help_text="A second line: account, state, amount, ..."
    )
    url = serializers.CharField(help_text="The record's page in the browser")


class GroupSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="account, contact, lead, opportunity, quote, ...")
    label = serializers.CharField(help_text="The kind's name, in the caller's language")
    hits = HitSerializer(many=True, help_text="The best matches of this kind the caller may see")


class QuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=MIN_LENGTH, max_length=100, trim_whitespace=True)


@extend_schema(tags=["search"])
class SearchViewSet(viewsets.ViewSet):
    """Search accounts, contacts, leads, opportunities, quotes, contracts, orders, invoices
    (by number) and tickets that the caller may see."""

    extra_query_params = {"list": ["q"]}

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="At least 2 characters")],
        responses={200: GroupSerializer(many=True)},
    )
    def list(self, request):
        params = QuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        groups = global_search(user=request.user, query=params.validated_data["q"])
        return Response(GroupSerializer(groups, many=True).data)
