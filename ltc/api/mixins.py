"""Shared viewset pieces: the transitions endpoints and Idempotency-Key on create."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ltc.models import IdempotencyKey
from ltc.transitions import run, transitions_for

TransitionSerializer = inline_serializer(
    name="Transition",
    fields={
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "target": serializers.CharField(),
        "allowed": serializers.BooleanField(),
    },
)


class TransitionsMixin:
    """GET {id}/transitions/ and POST {id}/transitions/{name}/ for an FSM model viewset.

    The record is looked up through the viewset's role-aware queryset, so a record the caller
    may not see is 404; the role check is 403; the state 409; the rule fields 400.
    """

    @extend_schema(responses={200: TransitionSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="transitions")
    def transitions(self, request, pk=None):
        obj = self.get_object()
        rows = [
            {k: row[k] for k in ("name", "label", "target", "allowed")}
            for row in transitions_for(obj, request.user)
        ]
        return Response(rows)

    @extend_schema(
        request=inline_serializer(
            name="TransitionRequest",
            fields={"comment": serializers.CharField(required=False)},
        ),
        responses={
            200: OpenApiResponse(description="The record after the transition"),
            400: OpenApiResponse(description="A rule failed (field errors)"),
            403: OpenApiResponse(description="Your role may not run this transition"),
            409: OpenApiResponse(description="Not allowed from the current state, or lost a race"),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def run_transition(self, request, pk=None, name=None):
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
