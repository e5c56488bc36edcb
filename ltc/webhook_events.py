"""The webhook event catalogue: every event an endpoint can receive, its payload shape and an
example, generated from the state machines' declarations (what is listed is what is sent).

A transition event is named `<app>.<model>.<transition>` (`leads.lead.qualify`) and sent by
`notifications.services.webhooks_for_transition`; `ping` is the test event
(`notifications.services.webhook_ping`). Each record type's payload is one serializer here,
so the catalogue page, the `webhook-events` API and the OpenAPI components (one per payload)
describe the same shape.
"""

from __future__ import annotations

import json
from functools import cache

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.services import PING_EVENT

from .matrix import fsm_models
from .transitions import state_field, transition_specs

EXAMPLE_EVENT_ID = "0b9f3c1e-6a52-4c1f-9d0e-2f7a8e4b5c61"
EXAMPLE_AT = "2026-11-30T09:30:00+08:00"

ID_HELP = (
    "The event's id (also the X-LTC-Event-Id header): the same on every retry and "
    "redelivery, so a receiver drops an event whose id it has already handled"
)
AT_HELP = "When the event happened (ISO 8601, with the server's offset)"
BY_HELP = "The username of who caused it; null for the system (a timer or a scheduled task)"


class RecordRefSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The record type, `<app>.<model>` (e.g. `leads.lead`)")
    id = serializers.IntegerField(
        help_text="The record's id; read it at /api/v1/<resource>/<id>/ with your token"
    )


class PingEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The endpoint's id")
    name = serializers.CharField(help_text="The endpoint's name")


class PingEventSerializer(serializers.Serializer):
    """The test event: sent by "Send a test event" or POST /api/v1/webhooks/{id}/ping/."""

    id = serializers.UUIDField(help_text=ID_HELP)
    event = serializers.CharField(help_text="Always `ping`")
    endpoint = PingEndpointSerializer(help_text="The endpoint the test was sent to")
    by = serializers.CharField(help_text="The username of who sent the test")
    at = serializers.DateTimeField(help_text=AT_HELP)


def _state_labels(model) -> dict:
    """State value -> its label (lazy, in the request's language)."""
    return dict(state_field(model).flatchoices)


def _states(model) -> list[str]:
    return [str(value) for value in _state_labels(model)]


@cache
def payload_serializer(model) -> type[serializers.Serializer]:
    """The payload of `model`'s transition events: one serializer class (and so one OpenAPI
    component, `<Model>TransitionEvent`) per record type."""
    label = model._meta.label_lower
    specs = transition_specs(model)
    states = _states(model)
    events = ", ".join(f"`{label}.{s.name}`" for s in specs)
    names = ", ".join(f"`{s.name}`" for s in specs)
    state_list = ", ".join(f"`{state}`" for state in states)
    # Plain strings listing their values: enums named `from`/`to` in every record type's
    # component would collide in the schema's enum names.
    fields = {
        "id": serializers.UUIDField(help_text=ID_HELP),
        "event": serializers.CharField(help_text=f"What happened: one of {events}"),
        "record": RecordRefSerializer(help_text=f"The {model._meta.verbose_name} it happened to"),
        "transition": serializers.CharField(help_text=f"The transition that ran: one of {names}"),
        "from": serializers.CharField(help_text=f"The state before: one of {state_list}"),
        "to": serializers.CharField(help_text=f"The state after: one of {state_list}"),
        "by": serializers.CharField(allow_null=True, help_text=BY_HELP),
        "at": serializers.DateTimeField(help_text=AT_HELP),
    }
    name = f"{model.__name__}TransitionEvent"
    doc = f"A transition of a {model._meta.verbose_name} ({label})."
    return type(f"{name}Serializer", (serializers.Serializer,), {**fields, "__doc__": doc})


def _example(model, spec) -> dict:
    label = model._meta.label_lower
    source = next((s for s in spec.sources if s not in ("*", "+")), None)
    target = spec.target_from(source) if source else spec.targets[0]
    return {
        "id": EXAMPLE_EVENT_ID,
        "event": f"{label}.{spec.name}",
        "record": {"type": label, "id": 42},
        "transition": spec.name,
        "from": str(source if source is not None else target),
        "to": str(target),
        "by": "sales",
        "at": EXAMPLE_AT,
    }


def ping_example() -> dict:
    return {
        "id": EXAMPLE_EVENT_ID,
        "event": PING_EVENT,
        "endpoint": {"id": 3, "name": "ERP"},
        "by": "manager",
        "at": EXAMPLE_AT,
    }


def field_rows(serializer_class, prefix: str = "") -> list[dict]:
    """The payload's fields (nested ones as `record.id`) with type and description."""
    rows = []
    for name, field in serializer_class().fields.items():
        if isinstance(field, serializers.Serializer):
            rows.append({"name": prefix + name, "type": "object", "help": field.help_text})
            rows.extend(field_rows(type(field), prefix=f"{prefix}{name}."))
            continue
        kind = {
            serializers.UUIDField: "string (uuid)",
            serializers.IntegerField: "integer",
            serializers.DateTimeField: "string (date-time)",
        }.get(type(field), "string")
        rows.append(
            {
                "name": prefix + name,
                "type": kind + (", null" if getattr(field, "allow_null", False) else ""),
                "help": field.help_text,
            }
        )
    return rows


def catalogue() -> list[dict]:
    """Every event an endpoint can receive, grouped by payload: the ping, then each record
    type's transitions (in INSTALLED_APPS order)."""
    groups = [
        {
            "title": "ping",
            "component": "PingEvent",
            "subscribe": "",
            "fields": field_rows(PingEventSerializer),
            "events": [
                {
                    "name": PING_EVENT,
                    "label": _("Test event: sent on request, to check the receiver"),
                    "example": ping_example(),
                    "example_json": json.dumps(ping_example(), indent=2, ensure_ascii=False),
                }
            ],
        }
    ]
    for model in fsm_models():
        serializer = payload_serializer(model)
        labels = _state_labels(model)
        events = []
        for spec in transition_specs(model):
            example = _example(model, spec)
            events.append(
                {
                    "name": example["event"],
                    "label": capfirst(spec.label),
                    "sources": [str(labels.get(s, s)) for s in spec.sources],
                    "target": str(labels.get(spec.targets[0], spec.targets[0])),
                    "example": example,
                    "example_json": json.dumps(example, indent=2, ensure_ascii=False),
                }
            )
        groups.append(
            {
                "title": capfirst(model._meta.verbose_name),
                "component": serializer.__name__.removesuffix("Serializer"),
                "subscribe": model._meta.label_lower,
                "fields": field_rows(serializer),
                "events": events,
            }
        )
    return groups


def payload_serializers() -> list[type[serializers.Serializer]]:
    return [PingEventSerializer, *(payload_serializer(m) for m in fsm_models())]
