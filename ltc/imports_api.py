"""Imports in the REST API: `POST /api/v1/imports/` (multipart: `entity`, `file`,
`only_good_rows`) stores the file and queues its check (202 with the job); `GET
/api/v1/imports/{id}/` is the job's progress and, once finished, its report. A caller sees
only their own jobs; an entity their role may not import is a 403 (ltc.imports)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.response import Response

from .api.mixins import FieldErrors
from .imports import get_importer, queue_import, registry
from .models import ImportJob
from .uploads import validate_spreadsheet_upload


class ImportJobSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="queued, running, finished or failed")
    percent = serializers.IntegerField(read_only=True, help_text="Rows checked, in percent")
    report = serializers.JSONField(
        read_only=True,
        help_text="Once finished: total, good, created, duplicates, bad, ok, errors "
        "[{row, reasons, duplicate}], ignored_columns",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "entity",
            "file_name",
            "only_good_rows",
            "status",
            "rows_checked",
            "rows_total",
            "percent",
            "report",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "entity": {"help_text": "What the file holds: accounts, contacts, products, ..."},
            "file_name": {"help_text": "The uploaded file's name"},
            "only_good_rows": {
                "help_text": "Import the good rows even if some are bad (else all or nothing)"
            },
            "rows_checked": {"help_text": "Rows checked so far"},
            "rows_total": {"help_text": "Rows in the file"},
            "error": {"help_text": "Why the job failed as a whole (a file that cannot be read)"},
            "started_at": {"help_text": "When a worker started on it"},
            "finished_at": {"help_text": "When it finished or failed"},
        }


class ImportUploadSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(
        choices=[], help_text="What the file holds: accounts, contacts, products, ..."
    )
    file = serializers.FileField(
        help_text="CSV (UTF-8 or GBK) or XLSX; headers in English or Chinese",
        validators=[validate_spreadsheet_upload],
    )
    only_good_rows = serializers.BooleanField(
        default=False,
        help_text="Create the good rows and skip the bad ones (default: a bad row refuses the "
        "whole file)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = sorted(registry())


class ImportJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Spreadsheet imports of accounts, contacts, products, open opportunities and opening
    receivables, checked and imported in the background."""

    serializer_class = ImportJobSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    filter_backends: list = []

    def get_queryset(self):
        return ImportJob.objects.filter(user=self.request.user)

    @extend_schema(
        request=ImportUploadSerializer,
        responses={
            202: ImportJobSerializer,
            400: FieldErrors,
            403: OpenApiResponse(description="Your role may not import this entity"),
        },
    )
    def create(self, request, *args, **kwargs):
        data = ImportUploadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        importer = get_importer(data.validated_data["entity"])
        if not importer.allowed(request.user):
            raise PermissionDenied(_("Your role may not import this."))
        job = queue_import(
            entity=importer.entity,
            file=data.validated_data["file"],
            user=request.user,
            only_good_rows=data.validated_data["only_good_rows"],
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
