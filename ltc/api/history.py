"""GET {id}/history/ on every record resource with transitions or field-level audit."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from ltc.api.pagination import TimelinePagination
from ltc.audit import record_timeline

# Built with type(): "from" is a field name the class statement cannot declare.
FieldChangeSerializer = type(
    "FieldChangeSerializer",
    (serializers.Serializer,),
    {
        "field": serializers.CharField(help_text="The field's name in the API"),
        "label": serializers.CharField(help_text="The field's label, in the caller's language"),
        "from": serializers.JSONField(allow_null=True, help_text="The value before"),
        "to": serializers.JSONField(allow_null=True, help_text="The value after"),
    },
)

HistoryEntrySerializer = type(
    "HistoryEntrySerializer",
    (serializers.Serializer,),
    {
        "kind": serializers.ChoiceField(
            choices=["created", "transition", "changed"],
            help_text="created: the record was made; transition: its state moved; changed: "
            "fields were edited",
        ),
        "at": serializers.DateTimeField(help_text="When it happened"),
        "by": serializers.IntegerField(allow_null=True, help_text="User id; null: the system"),
        "by_name": serializers.CharField(
            allow_null=True, help_text="Who did it (display name); null: the system"
        ),
        "transition": serializers.CharField(allow_null=True, help_text="Transitions only"),
        "from": serializers.CharField(allow_null=True, help_text="State before (transitions)"),
        "to": serializers.CharField(allow_null=True, help_text="State after (transitions)"),
        "comment": serializers.CharField(
            allow_blank=True, help_text="The comment given with a transition"
        ),
        "changes": FieldChangeSerializer(many=True, help_text="Field changes (changed only)"),
    },
)


class HistoryMixin:
    """What happened to the record, oldest first, paginated: transitions with who, when,
    from, to and comment, and field changes with who, when, field, from and to. The record is
    looked up through the viewset's role-aware queryset: one the caller may not see is 404."""

    paginated_actions = ("history",)

    def history_fields(self):
        """The fields whose changes the caller may read; None: all of them."""
        return None

    @extend_schema(
        summary="What happened to the record, oldest first",
        responses={
            200: HistoryEntrySerializer(many=True),
            404: OpenApiResponse(description="No such record, or not yours to see"),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="history",
        filter_backends=[],
        pagination_class=TimelinePagination,
    )
    def history(self, request, pk=None):
        record = self.get_object()
        page = self.paginate_queryset(record_timeline(record, fields=self.history_fields()))
        return self.get_paginated_response(page)
