"""GET /api/v1/<resource>/export/?export=csv|xlsx on a list endpoint.

The rows are the list's own: the viewset's role-aware queryset through its filter backends
(the same `?status=`, `?search=`, `?ordering=` … as the list), without pagination, written by
the resource's declared `ltc.exports.Export`. `?ids=1,2,3` narrows to those records (the
bulk "export the selection"); ids the caller cannot see are simply absent.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from ltc.exports import FORMATS, Export, TooLarge, selected


class ExportMixin:
    """Add `export_spec = <Export>` to a list viewset."""

    export_spec: Export
    filtered_actions = ("export",)
    action_query_params = {"export": ("export", "ids")}

    @extend_schema(
        summary="The filtered list as a CSV or XLSX file",
        parameters=[
            OpenApiParameter(
                "export", str, enum=list(FORMATS), description="File format (default csv)"
            ),
            OpenApiParameter(
                "ids", str, description="Comma-separated ids: only these records (a selection)"
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
            400: OpenApiResponse(description="A bad filter, or more rows than an export holds"),
            403: OpenApiResponse(description="Your role may not export this list"),
        },
    )
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request):
        fmt = request.query_params.get("export", "csv")
        if fmt not in FORMATS:
            raise ValidationError({"export": [f"One of: {', '.join(FORMATS)}."]})
        spec = self.export_spec
        if not spec.allowed(request.user):
            raise PermissionDenied
        queryset = selected(self.filter_queryset(self.get_queryset()), request.query_params)
        try:
            return spec.response(queryset, fmt, request.user)
        except TooLarge as exc:
            raise ValidationError({"detail": str(exc)}) from exc
