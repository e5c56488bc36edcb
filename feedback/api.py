"""The service stage in the REST API: tickets (with transitions), surveys (read), market
feedback items, and account flags (read + clear)."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.models import Account, Contact
from customers.selectors import account_list
from customfields.api import CustomValuesSerializerMixin, with_custom_filter
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.filters import VisibleFilter
from ltc.api.history import HistoryMixin
from ltc.api.mixins import (
    ErrorSerializer,
    FieldErrors,
    IdempotentCreateMixin,
    TransitionsMixin,
    transitions_schema,
)
from ltc.api.relations import VisibleRelationsMixin
from orders.selectors import order_list

from . import services
from .exports import SURVEYS, TICKETS
from .models import AccountFlag, FeedbackItem, FeedbackStatus, Survey, Ticket
from .selectors import feedback_item_list, flag_list, survey_list, ticket_list


@described(
    subject="One line saying what the case is about",
    priority="Sets the response and resolution targets (SLA)",
    assigned_role="Who works the case, from its category at creation: operations or service",
    assignee="The user (id) working the case",
    order="The order the case is about, if any",
    resolution="How the case was resolved (given when it is resolved)",
    first_response_at="When the customer first got an answer",
    resolved_at="When the case was resolved",
    closed_at="When the case was closed",
    first_response_breached_at="When the first-response target was missed; null if met",
    resolution_breached_at="When the resolution target was missed; null if met",
)
class TicketSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "description",
            "category",
            "priority",
            "status",
            "assigned_role",
            "assignee",
            "account",
            "contact",
            "order",
            "resolution",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "first_response_breached_at",
            "resolution_breached_at",
            "created_by",
            "created_at",
            "updated_at",
            "custom",
        ]
        read_only_fields = [
            "status",
            "assigned_role",
            "resolution",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "first_response_breached_at",
            "resolution_breached_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            from customers.selectors import account_list, contact_list
            from orders.selectors import order_list

            self.fields["account"].queryset = account_list(user=request.user)
            self.fields["contact"].queryset = contact_list(user=request.user)
            self.fields["order"].queryset = order_list(user=request.user)

    fixed_on_update = ("account",)  # a case stays with its customer


class TicketFilter(django_filters.FilterSet):
    account = VisibleFilter(field_name="account", selector=account_list)
    order = VisibleFilter(field_name="order", selector=order_list)

    class Meta:
        model = Ticket
        fields = ["status", "category", "priority", "assigned_role", "account", "order"]


@extend_schema(tags=["service"])
@transitions_schema(Ticket, TicketSerializer)
class TicketViewSet(
    BulkMixin,
    ExportMixin,
    HistoryMixin,
    TransitionsMixin,
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Service cases. service and the manager see all, operations the after-sales ones
    (product, delivery), sales those of their accounts. Opened by service, operations or
    sales; state changes only by transitions."""

    queryset = Ticket.objects.none()
    filter_backends = with_custom_filter()
    serializer_class = TicketSerializer
    bulk_name = "tickets"
    export_spec = TICKETS
    filterset_class = TicketFilter
    search_fields = ["subject", "description"]
    ordering_fields = ["created_at", "priority"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return ticket_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.ticket_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.ticket_update(
            user=self.request.user, ticket=serializer.instance, **serializer.validated_data
        )


@described(
    ticket="The resolved case the survey asks about, if any",
    order="The delivered order the survey asks about, if any",
    email="The address the survey was sent to",
    language="The language the survey was sent in",
    sent_at="When the survey was emailed",
    answered_at="When the customer answered; null until then",
    score="The answer: 1-5 for CSAT, 0-10 for NPS; null until answered",
    comment="The customer's comment with the answer",
)
class SurveySerializer(serializers.ModelSerializer):
    public_link = serializers.SerializerMethodField(
        help_text="The customer's answer link, for service, the account owner and managers "
        "(e.g. to deliver it by chat); null for other roles and once answered"
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "kind",
            "account",
            "contact",
            "ticket",
            "order",
            "email",
            "language",
            "sent_at",
            "answered_at",
            "score",
            "comment",
            "public_link",
            "created_at",
        ]
        read_only_fields = fields

    def get_public_link(self, survey) -> str | None:
        request = self.context.get("request")
        if request is None:
            return None
        return services.survey_public_link(survey, user=request.user, request=request)


class SurveyFilter(django_filters.FilterSet):
    account = VisibleFilter(field_name="account", selector=account_list)
    order = VisibleFilter(field_name="order", selector=order_list)
    ticket = VisibleFilter(field_name="ticket", selector=ticket_list)

    class Meta:
        model = Survey
        fields = ["kind", "account", "ticket", "order"]


@extend_schema(tags=["service"])
class SurveyViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """CSAT and NPS surveys and their answers (read-only: customers answer through the
    signed link)."""

    queryset = Survey.objects.none()
    serializer_class = SurveySerializer
    export_spec = SURVEYS
    filterset_class = SurveyFilter
    ordering_fields = ["created_at", "answered_at", "score"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return survey_list(user=self.request.user)

    @extend_schema(
        request=None,
        responses={
            200: SurveySerializer,
            400: FieldErrors,
            403: OpenApiResponse(
                ErrorSerializer, description="Not service, a manager or the account's owner"
            ),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def resend(self, request, pk=None):
        """Email an unanswered survey's link again, in the contact's language."""
        survey = services.survey_resend(user=request.user, survey=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=survey.pk)).data)


@described(
    routed_to="The role it was routed to: operations for a product or delivery complaint, "
    "marketing for everything else",
    title="One line summing it up",
)
class FeedbackItemSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "kind",
            "category",
            "title",
            "description",
            "account",
            "routed_to",
            "status",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["routed_to", "status", "created_by", "created_at", "updated_at"]


class FeedbackStatusSerializer(VisibleRelationsMixin, serializers.Serializer):
    status = serializers.ChoiceField(
        choices=FeedbackStatus.choices, help_text="The feedback item's new status"
    )


@extend_schema(tags=["service"])
class FeedbackItemViewSet(
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Suggestions and complaints captured by sales or service; routed to marketing or (for a
    product or delivery complaint) operations, which set the status."""

    queryset = FeedbackItem.objects.none()
    serializer_class = FeedbackItemSerializer
    filterset_fields = ["kind", "category", "status", "routed_to", "account"]
    search_fields = ["title", "description"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return feedback_item_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.feedback_item_create(
            user=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=FeedbackStatusSerializer,
        responses={
            200: FeedbackItemSerializer,
            400: FieldErrors,
            403: OpenApiResponse(ErrorSerializer, description="Not the team it is routed to"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def status(self, request, pk=None):
        """Set the status (new, acknowledged, done): the team it is routed to."""
        item = self.get_object()
        body = FeedbackStatusSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.feedback_item_set_status(
            user=request.user, item=item, status=body.validated_data["status"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


@described(
    reason="Why the account was flagged: a detractor NPS answer or a case that missed its SLA",
    note="Service's note for sales",
    ticket="The case that raised the flag, if any",
    survey="The survey answer that raised the flag, if any",
    created_at="When the account was flagged",
)
class AccountFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountFlag
        fields = [
            "id",
            "account",
            "reason",
            "note",
            "ticket",
            "survey",
            "created_at",
            "cleared_at",
            "cleared_by",
        ]
        read_only_fields = fields


class AccountFlagFilter(django_filters.FilterSet):
    account = VisibleFilter(field_name="account", selector=account_list)
    open = django_filters.BooleanFilter(
        field_name="cleared_at", lookup_expr="isnull", label="Only flags not cleared yet"
    )

    class Meta:
        model = AccountFlag
        fields = ["account", "reason", "open"]


@extend_schema(tags=["service"])
class AccountFlagViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounts flagged at risk (detractor NPS, missed SLA); service clears them."""

    queryset = AccountFlag.objects.none()
    serializer_class = AccountFlagSerializer
    filterset_class = AccountFlagFilter
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return flag_list(user=self.request.user)

    @extend_schema(
        request=None,
        responses={
            200: AccountFlagSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Only customer service"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def clear(self, request, pk=None):
        """Clear the flag (customer service)."""
        flag = services.account_flag_clear(flag=self.get_object(), user=request.user)
        return Response(self.get_serializer(flag).data)
