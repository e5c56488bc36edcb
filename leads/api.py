"""Leads in the REST API: capture, edit, assignment, and the state machine's transitions.

Reads go through leads.selectors.lead_list (role-aware: a lead the caller may not see is 404);
writes go through leads.services, which hold the role checks. `status` is read-only: it only
changes through POST {id}/transitions/{name}/. Leads are never deleted through the API:
a dead lead is disqualified.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customfields.api import CustomValuesField, CustomValuesSerializerMixin, with_custom_filter
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.fields import ConfirmDuplicateField
from ltc.api.history import HistoryMixin
from ltc.api.lists import read_through
from ltc.api.mixins import (
    API_FILTERS,
    ErrorSerializer,
    FieldErrors,
    IdempotentCreateMixin,
    SearchTextFilter,
    TransitionsMixin,
    transitions_schema,
    write_schema,
)
from ltc.api.relations import BuiltFieldsMixin, VisibleRelationsMixin
from ltc.paging import narrow_search
from ltc.searchtext import has_trigram

from . import services
from .exports import LEADS
from .filters import LeadFilter
from .models import Lead, LeadSource, check_offered_source
from .selectors import lead_list


@described(
    company="The company the lead works for, as given",
    title="The lead's job title",
    email="The lead's email address",
    phone="The lead's phone number",
    campaign="The marketing campaign that brought the lead, if any",
    need="What the customer needs (BANT: needed to qualify)",
    budget="The customer's budget (BANT: needed to qualify)",
    expected_close_date="When the customer means to decide (BANT timeline: needed to qualify)",
    decision_maker="Who decides on the customer's side (BANT authority: needed to qualify)",
    score="0-100: how complete and engaged the lead is (source, contact details, activity)",
    disqualify_reason="Why the lead was disqualified",
    account="The account the lead was converted into (or linked to)",
    contact="The contact the lead was converted into",
    converted_at="When the lead was converted into an opportunity",
    assigned_at="When the lead was last assigned to its owner",
)
class LeadSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    owner_name = serializers.StringRelatedField(source="owner", read_only=True, allow_null=True)
    confirm_duplicate = ConfirmDuplicateField()
    opportunity = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The opportunity it was converted into"
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "name",
            "company",
            "title",
            "email",
            "phone",
            "source",
            "campaign",
            "status",
            "owner",
            "owner_name",
            "need",
            "budget",
            "currency",
            "expected_close_date",
            "decision_maker",
            "notes",
            "score",
            "disqualify_reason",
            "account",
            "contact",
            "opportunity",
            "converted_at",
            "next_follow_up_at",
            "last_activity_at",
            "assigned_at",
            "confirm_duplicate",
            "created_by",
            "created_at",
            "updated_at",
            "custom",
        ]
        # The state changes only by transitions, the owner only by assignment.
        read_only_fields = [
            "status",
            "owner",
            "score",
            "disqualify_reason",
            "account",
            "contact",
            "converted_at",
            "last_activity_at",
            "assigned_at",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def validate_source(self, value):
        try:
            check_offered_source(value, self.instance)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate(self, attrs):
        email = attrs.get("email", getattr(self.instance, "email", ""))
        phone = attrs.get("phone", getattr(self.instance, "phone", ""))
        if not (email or phone):
            raise serializers.ValidationError(
                {"email": [_("Give an email or a phone number to reach the lead.")]}
            )
        return attrs


class LeadSearchFilter(SearchTextFilter):
    """The search on the search column, narrowed to the matching keys when it matches few
    (ltc.paging)."""

    def filter_queryset(self, request, queryset, view):
        if not (terms := self.get_search_terms(request)):
            return queryset
        searched = super().filter_queryset(request, queryset, view)
        return narrow_search(searched, indexed=any(has_trigram(term) for term in terms))


@described(
    company="The company the lead works for, as given",
    email="The lead's email address",
    phone="The lead's phone number",
    score="0-100: how complete and engaged the lead is (source, contact details, activity)",
)
class LeadListSerializer(BuiltFieldsMixin, serializers.ModelSerializer):
    """The list's columns; GET {id}/ carries every field. Serializing 12 plain fields instead
    of 28 (and no related-object lookups) is most of a list request's Python time; `custom`
    reads the definitions once per request."""

    # Read as a column of the page's query (LIST_COLUMNS), not through the owner record.
    owner_name = serializers.CharField(read_only=True, allow_null=True)
    custom = CustomValuesField(read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "name",
            "company",
            "email",
            "phone",
            "source",
            "status",
            "owner",
            "owner_name",
            "score",
            "next_follow_up_at",
            "created_at",
            "custom",
        ]
        read_only_fields = fields


# What the list shows of related records, as columns of its query (ltc.api.lists).
LIST_COLUMNS = {"owner_name": "owner__username"}


class AssignSerializer(VisibleRelationsMixin, serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="The salesperson (user id) who takes the lead over",
    )


class RoundRobinSerializer(VisibleRelationsMixin, serializers.Serializer):
    leads = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=1,
        max_length=500,
        help_text="The leads (ids) to spread over the sales team in turn",
    )


RoundRobinResult = inline_serializer(
    name="RoundRobinResult",
    fields={
        "assigned": inline_serializer(
            name="RoundRobinAssignment",
            fields={
                "lead": serializers.IntegerField(help_text="The lead (id)"),
                "owner": serializers.IntegerField(help_text="The user (id) it was given to"),
            },
            many=True,
            help_text="Each lead and the owner it was given to",
        )
    },
)


@extend_schema(tags=["leads"])
@transitions_schema(Lead, LeadSerializer)
@write_schema(LeadSerializer, "marketing and sales (the owner)")
class LeadViewSet(
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
    """Leads the caller may see. Create and edit by marketing and sales (the owner);
    state changes by transitions; assignment by marketing or a manager."""

    queryset = Lead.objects.none()  # for the schema; requests use get_queryset
    serializer_class = LeadSerializer
    filter_backends = with_custom_filter([API_FILTERS[0], LeadSearchFilter, *API_FILTERS[2:]])
    bulk_name = "leads"
    export_spec = LEADS
    filterset_class = LeadFilter
    search_fields = ["name", "company", "email", "phone"]  # Lead.search_text
    ordering_fields = ["created_at", "score"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        if self.action == "list":
            return read_through(lead_list(user=self.request.user), **LIST_COLUMNS)
        # The opportunity is the reverse of Opportunity.lead: one join, no import of the
        # later stage.
        return lead_list(user=self.request.user).select_related("opportunity")

    def get_serializer_class(self):
        return LeadListSerializer if self.action == "list" else LeadSerializer

    def perform_create(self, serializer):
        fields = {"source": LeadSource.API, **serializer.validated_data}  # captured by the API
        confirmed = fields.pop("confirm_duplicate", False)
        serializer.instance = services.lead_create(
            user=self.request.user, confirm_duplicate=confirmed, **fields
        )

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("confirm_duplicate", None)  # editing: no duplicate check
        serializer.instance = services.lead_update(
            lead=serializer.instance, user=self.request.user, **fields
        )

    @extend_schema(
        request=AssignSerializer,
        responses={
            200: LeadSerializer,
            400: FieldErrors,
            403: OpenApiResponse(ErrorSerializer, description="Only marketing or a manager"),
            404: OpenApiResponse(ErrorSerializer, description="No such lead"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def assign(self, request, pk=None):
        """Give the lead to a salesperson (marketing or a manager)."""
        lead = self.get_object()
        body = AssignSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.lead_assign(lead=lead, owner=body.validated_data["owner"], user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=lead.pk)).data)

    @extend_schema(
        request=RoundRobinSerializer,
        responses={
            200: RoundRobinResult,
            400: FieldErrors,
            403: OpenApiResponse(ErrorSerializer, description="Only marketing or a manager"),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="assign-round-robin",
        filter_backends=[],
        pagination_class=None,
    )
    def assign_round_robin(self, request):
        """Give each listed lead to the next salesperson in turn."""
        body = RoundRobinSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["leads"]))
        position = {pk: i for i, pk in enumerate(ids)}  # in the order the caller listed them
        leads = sorted(self.get_queryset().filter(pk__in=ids), key=lambda x: position[x.pk])
        missing = sorted(set(ids) - {lead.pk for lead in leads})
        if missing:
            raise serializers.ValidationError(
                {"leads": [_("No such lead: %(ids)s") % {"ids": ", ".join(map(str, missing))}]}
            )
        assigned = services.lead_assign_round_robin(leads=leads, user=request.user)
        rows = [{"lead": lead_id, "owner": owner_id} for lead_id, owner_id in assigned.items()]
        return Response({"assigned": rows}, status=status.HTTP_200_OK)
