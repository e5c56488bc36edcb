"""POST /api/v1/<resource>/bulk/: a bulk action on listed records, one result per id.

The body names the action and the ids, and what the action needs:

    {"action": "transition", "ids": [4, 5, 9], "transition": "qualify", "comment": "..."}
    {"action": "assign_owner", "ids": [4, 5], "owner": 12}
    {"action": "add_to_team", "ids": [4], "member": 31}
    {"action": "tag", "ids": [4, 5], "tag": "trade-show-2026"}

Every record is handled as the single-record endpoint would (ltc.bulk.run_bulk): records
the caller cannot see are refused (404) for that id, a transition is checked for each
record (403 role, 409 state, 400 a rule on the record), and a refused record is left
untouched while the others go through. The answer is 200 with each id's result; a request
wrong as a whole (no ids, an action or person not offered, a transition's own field missing
or wrong, e.g. no `reason` to disqualify) is 400 with the field errors and changes nothing.
Export the selection with GET export/?ids=….
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ltc.bulk import ACTIONS, MAX_IDS, get, run_bulk

from .mixins import FieldErrors

BulkRequest = inline_serializer(
    name="BulkRequest",
    fields={
        "action": serializers.ChoiceField(
            choices=list(ACTIONS), help_text="What to do to each selected record"
        ),
        "ids": serializers.ListField(
            child=serializers.IntegerField(), max_length=MAX_IDS, help_text="Record ids"
        ),
        "transition": serializers.CharField(required=False, help_text="action=transition"),
        "owner": serializers.IntegerField(required=False, help_text="action=assign_owner"),
        "member": serializers.IntegerField(required=False, help_text="action=add_to_team"),
        "tag": serializers.CharField(required=False, help_text="action=tag"),
        "comment": serializers.CharField(required=False, help_text="Transition comment"),
        "reason": serializers.CharField(
            required=False,
            help_text="action=transition: the transition's own fields, named as on the "
            "single-record transition (reason, lost_reason, delivered_on, ...)",
        ),
    },
)

BulkResults = inline_serializer(
    name="BulkResult",
    many=True,
    help_text="One result per selected record",
    fields={
        "id": serializers.IntegerField(help_text="The record's id"),
        "ok": serializers.BooleanField(help_text="Whether it was done to this record"),
        "status": serializers.IntegerField(
            help_text="What the single-record endpoint would answer: 200, 400, 403, 404, 409"
        ),
        "message": serializers.CharField(help_text='"Done.", or why it failed'),
    },
)

BulkResponse = inline_serializer(
    name="BulkResponse",
    fields={
        "done": serializers.IntegerField(help_text="Records it was done to"),
        "failed": serializers.IntegerField(help_text="Records left untouched"),
        "results": BulkResults,
    },
)


class BulkMixin:
    """Add `bulk_name = "<ltc.bulk list name>"` to a list viewset."""

    bulk_name: str

    @extend_schema(
        summary="Run a bulk action on listed records (one result per id)",
        request=BulkRequest,
        responses={200: BulkResponse, 400: FieldErrors},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk",
        filter_backends=[],
        pagination_class=None,
    )
    def bulk(self, request):
        spec = get(self.bulk_name)
        assert spec is not None, self.bulk_name
        data = request.data
        if not hasattr(data, "items"):
            raise ValidationError({"non_field_errors": ["Send a JSON object."]})
        params = {k: v for k, v in data.items() if k not in ("ids", "action")}
        results = run_bulk(
            spec=spec,
            user=request.user,
            ids=data.get("ids") if isinstance(data.get("ids"), list) else data.get("ids", ""),
            action=str(data.get("action", "")),
            params=params,
        )
        done = sum(1 for r in results if r.ok)
        return Response(
            {
                "done": done,
                "failed": len(results) - done,
                "results": [r.as_dict() for r in results],
            }
        )
