"""GET /api/v1/webhook-events/: the webhook event catalogue for integrators (the same list as
the catalogue page), with one OpenAPI component per payload."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from ltc.webhook_events import catalogue, payload_serializers


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="WebhookPayload",
        serializers=payload_serializers,
        resource_type_field_name=None,
    )
)
class PayloadExampleField(serializers.JSONField):
    """An example body; its schema is the payload of one of the record types, or the ping."""


class WebhookEventSerializer(serializers.Serializer):
    event = serializers.CharField(
        help_text="The event type: `<app>.<model>.<transition>`, or `ping` for the test event"
    )
    label = serializers.CharField(help_text="What happened, in the caller's language")
    subscribe = serializers.CharField(
        help_text="What to put in an endpoint's `events` to receive it: the record type "
        "(every transition of it) or the event itself; empty for `ping`, which is always sent"
    )
    payload = serializers.CharField(
        help_text="The OpenAPI component (under components/schemas) that describes the body"
    )
    example = PayloadExampleField(help_text="An example body, as POSTed to the endpoint")


@extend_schema(tags=["webhooks"])
class WebhookEventViewSet(viewsets.ViewSet):
    """Every event a webhook endpoint can receive, with its payload component and an example
    body (also at /api/webhooks/events/ in the browser)."""

    @extend_schema(responses={200: WebhookEventSerializer(many=True)})
    def list(self, request):
        rows = [
            {
                "event": event["name"],
                "label": str(event["label"]),
                "subscribe": group["subscribe"],
                "payload": group["component"],
                "example": event["example"],
            }
            for group in catalogue()
            for event in group["events"]
        ]
        return Response(WebhookEventSerializer(rows, many=True).data)
