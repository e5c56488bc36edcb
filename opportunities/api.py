"""Opportunities, quotes (+ lines), lost reasons and the forecast in the REST API.

Reads go through opportunities.selectors (role-aware: what the caller may not see is 404);
writes go through opportunities.services, which hold the role checks and compute every
amount. `stage` and `status` are read-only: they change only through
POST {id}/transitions/{name}/. Quote totals and line amounts are never taken from the client.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.models import Account, Contact
from customfields.api import CustomValuesSerializerMixin, with_custom_filter
from leads.models import check_offered_source
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.fields import AccountFlagsField, FlagsListSerializer, StrictDecimalField
from ltc.api.history import HistoryMixin
from ltc.api.lists import read_through
from ltc.api.mixins import (
    ErrorSerializer,
    FieldErrors,
    IdempotentCreateMixin,
    TransitionsMixin,
    transitions_schema,
)
from ltc.api.relations import VisibleRelationsMixin
from roles.policies import can

from . import services
from .exports import OPPORTUNITIES, QUOTES
from .filters import OpportunityFilter, QuoteFilter
from .models import LostReason, Opportunity, Quote, QuoteLine, QuoteSignOff
from .selectors import forecast, opportunity_list, quote_list
from .services import quote_next_step

User = get_user_model()


# --- opportunities ---------------------------------------------------------------------------
@described(
    stage="The sales stage; it changes only through transitions (analyze, propose, ...)",
    amount="The deal's value; once a quote is approved or accepted, that quote's total",
    probability="Chance of winning in percent; set to the stage's default on each stage "
    "change (10, 20, 50, 75, 100, 0) and editable within the stage",
    weighted_amount="amount x probability, for the weighted pipeline",
    next_step="What the owner will do next",
    competitors="Who else competes for the deal",
    lost_reason="Why the deal was lost (one of the lost reasons, id)",
    lost_note="More on why the deal was lost",
    stage_changed_at="When the stage last changed",
    closed_at="When the deal was won or lost; null while open",
    lead="The lead the opportunity was converted from",
)
class OpportunitySerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    account_name = serializers.CharField(source="account.name", read_only=True)
    owner_name = serializers.StringRelatedField(source="owner", read_only=True)
    weighted_amount = StrictDecimalField(max_digits=14, decimal_places=2, read_only=True)
    quotes = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Its quotes, every version"
    )
    contracts = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Its contracts, every version (amendments too)"
    )
    contract = serializers.SerializerMethodField(
        help_text="The contract in force: the newest version not superseded"
    )
    orders = serializers.SerializerMethodField(help_text="The orders of its contracts")

    account_flags = AccountFlagsField(account="account_id")

    class Meta:
        model = Opportunity
        list_serializer_class = FlagsListSerializer
        fields = [
            "id",
            "name",
            "account",
            "account_name",
            "account_flags",
            "contact",
            "lead",
            "stage",
            "amount",
            "currency",
            "expected_close_date",
            "probability",
            "weighted_amount",
            "source",
            "next_step",
            "next_follow_up_at",
            "competitors",
            "lost_reason",
            "lost_note",
            "owner",
            "owner_name",
            "solution_owner",
            "fulfilment_owner",
            "stage_changed_at",
            "closed_at",
            "quotes",
            "contract",
            "contracts",
            "orders",
            "created_by",
            "created_at",
            "updated_at",
            "custom",
        ]
        # The stage changes only by transitions (lost reason with `lose`), the team only by
        # assign-team, the lead link only by the convert hand-off.
        read_only_fields = [
            "lead",
            "stage",
            "lost_reason",
            "lost_note",
            "owner",
            "solution_owner",
            "fulfilment_owner",
            "stage_changed_at",
            "closed_at",
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

    def get_contract(self, opportunity) -> int | None:
        current = [c for c in opportunity.contracts.all() if not c.superseded]
        return max(current, key=lambda c: (c.version, c.pk)).pk if current else None

    def get_orders(self, opportunity) -> list[int]:
        return sorted(o.pk for c in opportunity.contracts.all() for o in c.orders.all())


# What only GET {id}/ carries; the list has every other field of the detail.
DETAIL_ONLY = (
    "next_step",
    "competitors",
    "lost_reason",
    "lost_note",
    "contracts",
    "orders",
    "created_by",
)


class OpportunityListSerializer(OpportunitySerializer):
    """The list's columns and the chain's next links (quotes, the contract in force); GET
    {id}/ carries every field (the contracts of every version, the orders, the notes). The
    links are read as ids for the whole page (two queries), not as records."""

    quotes = serializers.SerializerMethodField(help_text="Its quotes, every version")
    # Read as columns of the page's query (LIST_COLUMNS), not through the related records.
    account_name = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(read_only=True, allow_null=True)

    class Meta(OpportunitySerializer.Meta):
        fields = [f for f in OpportunitySerializer.Meta.fields if f not in DETAIL_ONLY]
        read_only_fields = fields

    def load_page(self, opportunities) -> None:
        ids = [o.pk for o in opportunities]
        quotes: dict[int, list[int]] = {}
        for opportunity_id, pk in (
            Quote.objects.filter(opportunity_id__in=ids)
            .order_by("pk")
            .values_list("opportunity_id", "pk")
        ):
            quotes.setdefault(opportunity_id, []).append(pk)
        contract_model = Opportunity._meta.get_field("contracts").related_model
        contract: dict[int, tuple] = {}
        for opportunity_id, version, pk in contract_model.objects.filter(
            opportunity_id__in=ids, superseded=False
        ).values_list("opportunity_id", "version", "pk"):
            contract[opportunity_id] = max(contract.get(opportunity_id, ()), (version, pk))
        self.context["_links"] = (quotes, {k: v[1] for k, v in contract.items()})

    def get_quotes(self, opportunity) -> list[int]:
        return self.context["_links"][0].get(opportunity.pk, [])

    def get_contract(self, opportunity) -> int | None:
        return self.context["_links"][1].get(opportunity.pk)


# What the list shows of related records, as columns of its query (ltc.api.lists).
LIST_COLUMNS = {"account_name": "account__name", "owner_name": "owner__username"}


def with_links(queryset):
    """Opportunities with the ids of their quotes, contracts and orders in three queries
    whatever the page size. Contracts and orders are later stages: reached through the reverse
    accessors of Opportunity, never imported."""
    contract_model = Opportunity._meta.get_field("contracts").related_model
    order_model = contract_model._meta.get_field("orders").related_model
    return queryset.prefetch_related(
        # Whole rows: deferring the protected state field would load it row by row.
        Prefetch("quotes", queryset=Quote.objects.order_by("pk")),
        Prefetch("contracts", queryset=contract_model.objects.order_by("pk")),
        Prefetch("contracts__orders", queryset=order_model.objects.order_by("pk")),
    )


class TeamSerializer(VisibleRelationsMixin, serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="The salesperson (user id) who owns the deal",
    )
    solution_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The sales-support engineer (user id) who owns the solution; null: none",
    )
    fulfilment_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The operations user (id) who will own delivery; null: none",
    )


@extend_schema(tags=["opportunities"])
@transitions_schema(Opportunity, OpportunitySerializer)
class OpportunityViewSet(
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
    """Opportunities the caller may see. Sales create and edit their own; the team (account,
    solution and fulfilment owner) is set with assign-team; the stage moves by transitions."""

    queryset = Opportunity.objects.none()
    filter_backends = with_custom_filter()
    serializer_class = OpportunitySerializer
    bulk_name = "opportunities"
    export_spec = OPPORTUNITIES
    filterset_class = OpportunityFilter
    search_fields = ["name", "account__name", "competitors"]
    ordering_fields = ["created_at", "expected_close_date", "amount", "probability"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        if self.action == "list":
            # OpportunityListSerializer: the owner's and account's names, links read per page.
            return read_through(opportunity_list(user=self.request.user), **LIST_COLUMNS)
        return with_links(opportunity_list(user=self.request.user))

    def get_serializer_class(self):
        return OpportunityListSerializer if self.action == "list" else OpportunitySerializer

    def perform_create(self, serializer):
        serializer.instance = services.opportunity_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.opportunity_update(
            opportunity=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=TeamSerializer,
        responses={
            200: OpportunitySerializer,
            400: FieldErrors,
            403: OpenApiResponse(ErrorSerializer, description="Only the owner or a manager"),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="assign-team",
        filter_backends=[],
        pagination_class=None,
    )
    def assign_team(self, request, pk=None):
        """Set the account owner, solution owner (sales support) and fulfilment owner
        (operations); each is granted the opportunity and its quotes."""
        opportunity = self.get_object()
        body = TeamSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.opportunity_assign_team(
            opportunity=opportunity, user=request.user, **body.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=opportunity.pk)).data)


# --- quotes ----------------------------------------------------------------------------------
class QuoteLineSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    fixed_on_update = ("quote",)

    class Meta:
        model = QuoteLine
        fields = [
            "id",
            "quote",
            "position",
            "product",
            "description",
            "quantity",
            "unit_price",
            "discount_pct",
            "tax_rate",
            "gross",
            "discount_amount",
            "tax_amount",
            "total",
        ]
        read_only_fields = ["position", "gross", "discount_amount", "tax_amount", "total"]
        extra_kwargs = {
            "unit_price": {"required": False},
            "tax_rate": {"required": False},
            "discount_pct": {"required": False},
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["quote"].queryset = quote_list(user=request.user)
        return fields

    def validate(self, attrs):
        quote = attrs.get("quote") or getattr(self.instance, "quote", None)
        product = attrs.get("product")
        if quote is not None and product is not None and product.currency != quote.currency:
            raise serializers.ValidationError(
                {
                    "product": [
                        _("The product is priced in %(product)s but the quote is in %(quote)s.")
                        % {"product": product.currency, "quote": quote.currency}
                    ]
                }
            )
        return attrs


class QuoteSignOffSerializer(serializers.ModelSerializer):
    user_name = serializers.StringRelatedField(source="user", read_only=True)

    class Meta:
        model = QuoteSignOff
        fields = ["role", "decision", "user", "user_name", "at", "comment"]
        read_only_fields = fields


@described(
    revised_from="The version this one revises; null for the first version",
    valid_until="The last day the customer may accept the quote",
    discount_total="Sum of the lines' discounts",
    tax_total="Sum of the lines' tax",
    needs_manager_sign_off="A line's discount is above the manager threshold",
    needs_finance_sign_off="A line's discount is above the finance threshold",
    sent_at="When the quote was sent to the customer",
    answered_at="When the customer accepted or declined it",
    decline_reason="Why the customer declined",
    subtotal="Sum of the lines' gross amounts, before discount and tax",
    missing_sign_offs="The roles whose sign-off is still needed (while pending approval)",
)
class QuoteSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    fixed_on_update = ("opportunity",)
    number = serializers.CharField(read_only=True)
    lines = QuoteLineSerializer(many=True, read_only=True)
    sign_offs = QuoteSignOffSerializer(many=True, read_only=True)
    missing_sign_offs = serializers.SerializerMethodField()
    next = serializers.SerializerMethodField(
        help_text="On an accepted quote, the opportunity's transition the caller may run next "
        "(win, or negotiate first): {transition, label, opportunity, api}; else null"
    )

    account_flags = AccountFlagsField(account="opportunity.account_id")

    class Meta:
        model = Quote
        list_serializer_class = FlagsListSerializer
        fields = [
            "id",
            "number",
            "opportunity",
            "account_flags",
            "version",
            "revised_from",
            "superseded",
            "status",
            "valid_until",
            "currency",
            "notes",
            "lines",
            "subtotal",
            "discount_total",
            "tax_total",
            "total",
            "needs_manager_sign_off",
            "needs_finance_sign_off",
            "missing_sign_offs",
            "next",
            "sign_offs",
            "submitted_at",
            "approved_at",
            "rejected_at",
            "rejection_reason",
            "sent_at",
            "answered_at",
            "decline_reason",
            "created_by",
            "created_at",
            "updated_at",
            "custom",
        ]
        read_only_fields = [
            f for f in fields if f not in ("opportunity", "valid_until", "currency", "notes")
        ]
        extra_kwargs = {"currency": {"required": False}, "valid_until": {"required": False}}
        validators = []  # the version is numbered by the service

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["opportunity"].queryset = opportunity_list(user=request.user)
        return fields

    @extend_schema_field(
        inline_serializer(
            name="QuoteNextStep",
            fields={
                "transition": serializers.CharField(
                    help_text="The opportunity's transition to run next (win or negotiate)"
                ),
                "label": serializers.CharField(help_text="Its label, in the caller's language"),
                "opportunity": serializers.IntegerField(help_text="The opportunity (id)"),
                "api": serializers.CharField(help_text="The URL to POST to run it"),
            },
            allow_null=True,
        )
    )
    def get_next(self, quote) -> dict | None:
        # Answered on one quote (read or transition), not per row of a list.
        view = self.context.get("view")
        request = self.context.get("request")
        if request is None or getattr(view, "action", None) not in ("retrieve", "run_transition"):
            return None
        return quote_next_step(quote=quote, user=request.user)

    def get_missing_sign_offs(self, quote) -> list[str]:
        if quote.status != "pending_approval":
            return []
        done = {s.role for s in quote.sign_offs.all() if s.decision == "approved"}
        return [r for r in quote.required_sign_offs() if r not in done]


@extend_schema(tags=["quotes"])
@transitions_schema(Quote, QuoteSerializer)
class QuoteViewSet(
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
    """Quotes the caller may see, with their lines and sign-offs. Sales support builds them
    (lines through quote-lines); the discount policy decides which sign-offs `submit` needs:
    the manager signs with `approve`, finance with `sign_off`; the quote is approved when every
    required sign-off is in."""

    queryset = Quote.objects.none()
    filter_backends = with_custom_filter()
    serializer_class = QuoteSerializer
    export_spec = QUOTES
    filterset_class = QuoteFilter
    search_fields = ["opportunity__name", "opportunity__account__name"]
    ordering_fields = ["created_at", "valid_until", "total"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return quote_list(user=self.request.user).prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "pk")),
            Prefetch("sign_offs", queryset=QuoteSignOff.objects.select_related("user")),
        )

    def perform_create(self, serializer):
        serializer.instance = services.quote_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.quote_update(
            quote=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=None,
        responses={
            201: QuoteSerializer,
            400: FieldErrors,
            403: OpenApiResponse(ErrorSerializer, description="Only the solution owner"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def revise(self, request, pk=None):
        """Make a new draft version of a rejected, declined or expired quote (lines copied);
        the old version stays readable."""
        new = services.quote_revise(quote=self.get_object(), user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=201)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def pdf(self, request, pk=None):
        """The quote document as a PDF (Chinese text rendered with a CJK font)."""
        from django.http import HttpResponse

        from .documents import quote_filename, quote_pdf

        quote = self.get_object()
        response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{quote_filename(quote)}"'
        return response


@extend_schema(tags=["quotes"])
class QuoteLineViewSet(
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Lines of the quotes the caller may see; changed only on a draft, by sales support.
    Unit price and tax rate default to the product's; amounts are computed by the server."""

    queryset = QuoteLine.objects.none()
    serializer_class = QuoteLineSerializer
    filterset_fields = ["quote"]
    ordering = ["quote", "position", "pk"]

    def get_queryset(self):
        quotes = quote_list(user=self.request.user).values("pk")
        return QuoteLine.objects.filter(quote__in=quotes).select_related(
            "quote", "quote__opportunity"
        )

    def perform_create(self, serializer):
        serializer.instance = services.quote_line_add(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("quote", None)
        serializer.instance = services.quote_line_update(
            line=serializer.instance, user=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.quote_line_remove(line=instance, user=self.request.user)


# --- lost reasons and the forecast -------------------------------------------------------------
class ManagerWrites(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can(
            request.user, "opportunities.lost_reasons"
        )


@described(
    name="The reason as shown when a deal is marked lost",
    position="Order in the list of reasons (lower first)",
)
class LostReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = LostReason
        fields = ["id", "name", "active", "position"]


@extend_schema(tags=["opportunities"])
class LostReasonViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The list of lost reasons; a manager edits it (deactivate rather than delete)."""

    queryset = LostReason.objects.all()
    serializer_class = LostReasonSerializer
    permission_classes = [permissions.IsAuthenticated, ManagerWrites]
    filterset_fields = ["active"]
    ordering = ["position", "name"]


class ForecastRowSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM of the expected close")
    currency = serializers.CharField(help_text="The currency of the amounts (ISO 4217)")
    count = serializers.IntegerField(help_text="Open opportunities expected to close then")
    amount = StrictDecimalField(
        max_digits=20, decimal_places=2, help_text="Σ amount of those opportunities"
    )
    weighted = StrictDecimalField(
        max_digits=20, decimal_places=2, help_text="Σ amount × probability"
    )


@extend_schema(tags=["opportunities"])
class ForecastViewSet(viewsets.ViewSet):
    """Weighted pipeline of the open opportunities the caller may see, by expected close
    month and currency (amounts in different currencies are never added up)."""

    extra_query_params = {"list": ["owner", "team"]}

    @extend_schema(
        parameters=[
            OpenApiParameter("owner", int, description="Only this account owner's deals"),
            OpenApiParameter("team", int, description="Only the deals of this team's people"),
        ],
        responses={200: ForecastRowSerializer(many=True)},
    )
    def list(self, request):
        params = {}
        for key in ("owner", "team"):
            value = request.query_params.get(key)
            if value:
                if not value.isdigit():
                    raise serializers.ValidationError({key: [_("Enter a whole number.")]})
                params[key] = int(value)
        rows = forecast(user=request.user, **params)
        return Response(ForecastRowSerializer(rows, many=True).data)
