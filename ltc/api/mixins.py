"""Shared viewset pieces: the transitions endpoints and Idempotency-Key on create."""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from ltc.api.fields import StrictDecimalField
from ltc.api.query import ListFilterBackend, ListSearchFilter
from ltc.models import IdempotencyKey
from ltc.searchtext import search_q
from ltc.transitions import run, transition_specs, transitions_for

COMMENT_HELP = "A comment, kept with the transition in the record's history"


class TransitionSerializer(serializers.Serializer):
    """One transition of a record as the caller sees it (for the schema)."""

    name = serializers.CharField(
        help_text="The transition's name: POST it to {id}/transitions/{name}/ to run it"
    )
    label = serializers.CharField(help_text="What the transition does, in the caller's language")
    target = serializers.CharField(help_text="The state the record is in after it")
    allowed = serializers.BooleanField(help_text="The caller may run it now (role and state)")


class TransitionsMixin:
    """GET {id}/transitions/ and POST {id}/transitions/{name}/ for an FSM model viewset.

    The record is looked up through the viewset's role-aware queryset, so a record the caller
    may not see is 404; the role check is 403; the state 409; the rule fields 400.
    """

    @extend_schema(responses={200: TransitionSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        url_path="transitions",
        filter_backends=[],
        pagination_class=None,
    )
    def transitions(self, request, pk=None):
        """Every transition of the record: its target from the current state and whether the
        caller may run it now."""
        obj = self.get_object()
        rows = [
            {k: row[k] for k in ("name", "label", "target", "allowed")}
            for row in transitions_for(obj, request.user)
        ]
        return Response(rows)

    @extend_schema(
        request=inline_serializer(
            name="TransitionRequest",
            fields={"comment": serializers.CharField(required=False, help_text=COMMENT_HELP)},
        ),
        responses={
            200: OpenApiResponse(description="The record after the transition"),
            400: OpenApiResponse(description="A rule failed (field errors)"),
            403: OpenApiResponse(description="Your role may not run this transition"),
            409: OpenApiResponse(description="Not allowed from the current state, or lost a race"),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[a-z_]+)",
        filter_backends=[],
        pagination_class=None,
    )
    def run_transition(self, request, pk=None, name=None):
        """Run the transition with the fields its rule needs; answers the record."""
        obj = self.get_object()
        obj = run(obj=obj, name=name, user=request.user, data=request.data)
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data)


class IdempotentCreateMixin:
    """A POST with an Idempotency-Key returns the first answer to a retried request by the
    same user instead of creating again; the key row is written in the same transaction as
    the record, so concurrent retries wait on it and then read the stored answer."""

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if not key:
            return super().create(request, *args, **kwargs)
        digest = hashlib.sha256(
            json.dumps(request.data, sort_keys=True, default=str).encode()
        ).hexdigest()
        lookup = {"user": request.user, "path": request.path, "key": key[:200]}
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(**lookup, request_hash=digest)
            except IntegrityError:
                record = IdempotencyKey.objects.get(**lookup)
                if record.request_hash != digest:
                    return Response(
                        {"detail": _("Idempotency-Key reused with a different request body.")},
                        status=422,
                    )
                return Response(record.response, status=record.status_code)
            response = super().create(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response = json.loads(json.dumps(response.data, default=str))
            record.save(update_fields=["status_code", "response"])
        return response


ErrorSerializer = inline_serializer(
    name="Error",
    fields={"detail": serializers.CharField(help_text="What went wrong, for a person")},
)
FieldErrors = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A rule failed: {field: [messages]} (non_field_errors for the whole record)",
)


def _serializer_field_for(form_field, name: str = "") -> serializers.Field:
    """The API shape of one field of a transition's rule form (for the schema only)."""
    label = form_field.label or form_field.help_text or (COMMENT_HELP if name == "comment" else "")
    kwargs = {"required": False, "help_text": str(label)}
    if isinstance(form_field, forms.ModelChoiceField):
        return serializers.IntegerField(**kwargs)
    if isinstance(form_field, forms.DecimalField):
        return StrictDecimalField(
            max_digits=form_field.max_digits, decimal_places=form_field.decimal_places, **kwargs
        )
    if isinstance(form_field, forms.DateTimeField):
        return serializers.DateTimeField(**kwargs)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**kwargs)
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(**kwargs)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(**kwargs)
    if isinstance(form_field, forms.FileField):
        return serializers.FileField(**kwargs)
    return serializers.CharField(**kwargs)


def transitions_schema(model, serializer_class):
    """OpenAPI for the TransitionsMixin endpoints of one model: the transition names as an
    enum, the union of the rule fields each transition reads (all optional; the rule says
    which it needs), the record as the 200 answer and the error answers of DESIGN.md."""
    specs = transition_specs(model)
    fields: dict[str, serializers.Field] = {}
    users: dict[str, list[str]] = {}
    for spec in specs:
        for name, form_field in spec.form_class().base_fields.items():
            users.setdefault(name, []).append(spec.name)
            fields.setdefault(name, _serializer_field_for(form_field, name))
    for name, field in fields.items():
        field.help_text = f"{field.help_text} (read by: {', '.join(users[name])})".strip()
    request = inline_serializer(name=f"{model.__name__}Transition", fields=fields)
    name_param = OpenApiParameter(
        "name",
        str,
        OpenApiParameter.PATH,
        enum=[spec.name for spec in specs],
        description="The transition to run",
    )
    not_found = OpenApiResponse(ErrorSerializer, description="No such record or transition")
    return extend_schema_view(
        transitions=extend_schema(
            summary=f"Transitions of a {model._meta.verbose_name} for the caller",
            responses={200: TransitionSerializer(many=True), 404: not_found},
        ),
        run_transition=extend_schema(
            summary=f"Run a transition on a {model._meta.verbose_name}",
            parameters=[name_param],
            request=request,
            responses={
                200: serializer_class,
                400: FieldErrors,
                403: OpenApiResponse(ErrorSerializer, description="Your role may not run it"),
                404: not_found,
                409: OpenApiResponse(
                    ErrorSerializer,
                    description="Not allowed from the current state, or changed concurrently",
                ),
            },
        ),
    )


class StableOrderingFilter(OrderingFilter):
    """?ordering= that always ends on the primary key, so rows that tie on the chosen field
    keep one order and pages never repeat or skip them."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(f.lstrip("-") in ("pk", "id") for f in ordering):
            ordering = [*ordering, "-pk" if ordering[-1].startswith("-") else "pk"]
        return ordering


class SearchTextFilter(ListSearchFilter):
    """`?search=` on a model with a search column (ltc/searchtext.py): every whitespace- or
    comma-separated term must be in that one trigram-indexed column. The view's
    `search_fields` still name the fields it covers (for the schema's description)."""

    def filter_queryset(self, request, queryset, view):
        for term in self.get_search_terms(request):
            queryset = queryset.filter(search_q(term, queryset.model))
        return queryset


# The filter backends of every list endpoint: django-filter, ?search=, stable ?ordering=.
API_FILTERS = [ListFilterBackend, ListSearchFilter, StableOrderingFilter]
# The same for a model with a search column: ?search= on that one indexed column.
SEARCH_TEXT_FILTERS = [ListFilterBackend, SearchTextFilter, StableOrderingFilter]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A retried POST with the same key and body returns the first answer",
)


def write_schema(serializer_class, who: str, idempotent: bool = True):
    """OpenAPI for the create/update/retrieve of a resource: the record, its field errors (400),
    the role refusal (403, `who` may write) and the unknown or hidden record (404)."""
    forbidden = OpenApiResponse(ErrorSerializer, description=f"Only {who} may do this")
    not_found = OpenApiResponse(ErrorSerializer, description="No such record, or not yours to see")
    write = {400: FieldErrors, 403: forbidden}
    return extend_schema_view(
        create=extend_schema(
            parameters=[IDEMPOTENCY_KEY] if idempotent else [],
            responses={201: serializer_class, **write},
        ),
        update=extend_schema(responses={200: serializer_class, **write, 404: not_found}),
        partial_update=extend_schema(responses={200: serializer_class, **write, 404: not_found}),
        retrieve=extend_schema(responses={200: serializer_class, 404: not_found}),
    )
