"""Contracts (with lines, payment plan, sign-offs, attachments) in the REST API.

Reads go through contracts.selectors (role-aware: what the caller may not see is 404); writes
through contracts.services. Contracts are created by winning an opportunity (the hand-off),
never by POST; `status` changes only through POST {id}/transitions/{name}/. A contract that is
not a draft is read-only: a signed one changes by POST {id}/amend/ (a new version).
"""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.models import Contact
from customers.selectors import account_list
from customfields.api import CustomValuesSerializerMixin, with_custom_filter
from leads.selectors import lead_list
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.fields import AccountFlagsField, FlagsListSerializer, StrictDecimalField
from ltc.api.filters import VisibleFilter
from ltc.api.history import HistoryMixin
from ltc.api.lists import read_through
from ltc.api.mixins import ErrorSerializer, FieldErrors, TransitionsMixin, transitions_schema
from ltc.api.relations import VisibleRelationsMixin
from ltc.uploads import validate_upload_size
from opportunities.selectors import opportunity_list

from . import services
from .exports import CONTRACTS
from .models import (
    Contract,
    ContractAttachment,
    ContractLine,
    ContractSignOff,
    ContractStatus,
    MilestoneTrigger,
    PaymentMilestone,
)
from .selectors import contract_list

CONFLICT = OpenApiResponse(ErrorSerializer, description="Read-only in this state")


class ContractLineSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = ContractLine
        fields = [
            "id",
            "contract",
            "position",
            "product",
            "description",
            "unit",
            "quantity",
            "unit_price",
            "discount_pct",
            "tax_rate",
            "gross",
            "discount_amount",
            "tax_amount",
            "total",
        ]
        read_only_fields = [
            "contract",
            "position",
            "product",
            "unit",
            "gross",
            "discount_amount",
            "tax_amount",
            "total",
        ]


@described(
    name="What the payment is for (e.g. 30% on signing)",
    trigger="What makes the milestone's invoice due: signing, delivery, customer "
    "acceptance or a date",
    due_date="The date an on-date milestone is invoiced",
    payment_terms_days="Days from the milestone's invoice to its due date",
)
class MilestoneSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    percentage = StrictDecimalField(
        max_digits=7,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Share of the contract total (give this or amount)",
    )
    amount = StrictDecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Fixed amount (give this or percentage); answered: the allocated money",
    )
    trigger = serializers.ChoiceField(choices=MilestoneTrigger.choices)

    class Meta:
        model = PaymentMilestone
        fields = [
            "id",
            "position",
            "name",
            "percentage",
            "amount",
            "trigger",
            "due_date",
            "payment_terms_days",
        ]
        read_only_fields = ["id", "position"]
        extra_kwargs = {"name": {"required": False}}


class PaymentPlanSerializer(VisibleRelationsMixin, serializers.Serializer):
    milestones = MilestoneSerializer(
        many=True, help_text="The whole payment plan; it replaces the current one"
    )


class SignOffSerializer(serializers.ModelSerializer):
    user_name = serializers.StringRelatedField(source="user", read_only=True)

    class Meta:
        model = ContractSignOff
        fields = ["review_round", "role", "decision", "user", "user_name", "at", "comment"]
        read_only_fields = fields


@described(
    name="The attachment's name (the file name when left out)",
    file="The file (upload as multipart; answered as its URL)",
)
class AttachmentSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = ContractAttachment
        fields = ["id", "name", "file", "uploaded_by", "uploaded_at"]
        read_only_fields = ["id", "uploaded_by", "uploaded_at"]
        extra_kwargs = {
            "name": {"required": False},
            "file": {"validators": [validate_upload_size]},
        }


@described(
    amended_from="The contract this version amends; null for the first version",
    lead="The lead the deal came from",
    signatories="The customer's contacts (ids) who sign",
    planned_total="Sum of the payment milestones (equals total when the plan is complete)",
    milestones="The payment plan (回款计划): when each part of the total is invoiced",
    over_value_threshold="Its total is above the value that needs a manager's sign-off",
    over_credit_limit="With it the account would go over its credit limit (or it is in "
    "another currency than the limit), so a manager signs off",
    credit_exposure="The account's open signed contracts when it was reviewed",
    required_sign_offs="The roles whose sign-off the current review needs",
    signed_on="The date the customer signed",
    signed_by_name="Who signed for the customer",
    signed_at="When the signature was recorded",
    completed_at="When every order was delivered and every milestone invoiced and paid",
    terminated_at="When the contract was terminated",
    termination_reason="Why the contract was terminated",
    quote="The accepted quote the contract was drawn from",
)
class ContractSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    lead = serializers.IntegerField(source="opportunity.lead_id", read_only=True, allow_null=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    owner_name = serializers.StringRelatedField(source="owner", read_only=True)
    signatories = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), many=True, required=False
    )
    lines = ContractLineSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    planned_total = serializers.SerializerMethodField()
    sign_offs = SignOffSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    required_sign_offs = serializers.SerializerMethodField()
    missing_sign_offs = serializers.SerializerMethodField()
    editable = serializers.BooleanField(source="is_editable", read_only=True)
    orders = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Its orders (created by signing)"
    )
    invoices = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Its invoices (drafts and voided ones too)"
    )

    account_flags = AccountFlagsField(account="account_id")

    class Meta:
        model = Contract
        list_serializer_class = FlagsListSerializer
        fields = [
            "id",
            "number",
            "version",
            "amended_from",
            "superseded",
            "editable",
            "opportunity",
            "quote",
            "lead",
            "account",
            "account_name",
            "account_flags",
            "signatories",
            "status",
            "start_date",
            "end_date",
            "currency",
            "total",
            "planned_total",
            "terms",
            "owner",
            "owner_name",
            "solution_owner",
            "lines",
            "milestones",
            "review_round",
            "over_value_threshold",
            "over_credit_limit",
            "credit_exposure",
            "required_sign_offs",
            "missing_sign_offs",
            "sign_offs",
            "attachments",
            "orders",
            "invoices",
            "submitted_at",
            "approved_at",
            "rejected_at",
            "rejection_reason",
            "signed_on",
            "signed_by_name",
            "signed_at",
            "completed_at",
            "terminated_at",
            "termination_reason",
            "created_at",
            "updated_at",
            "custom",
        ]
        read_only_fields = [
            f for f in fields if f not in ("start_date", "end_date", "terms", "signatories")
        ]

    def _approved_roles(self, contract) -> set[str]:
        return {
            s.role
            for s in contract.sign_offs.all()
            if s.decision == "approved" and s.review_round == contract.review_round
        }

    def get_planned_total(self, contract) -> str:
        total = sum((m.amount for m in contract.milestones.all()), 0)
        return f"{total:.2f}"

    def get_required_sign_offs(self, contract) -> list[str]:
        if contract.status != ContractStatus.IN_REVIEW:
            return []
        return [str(r) for r in contract.required_sign_offs()]

    def get_missing_sign_offs(self, contract) -> list[str]:
        if contract.status != ContractStatus.IN_REVIEW:
            return []
        done = self._approved_roles(contract)
        return [str(r) for r in contract.required_sign_offs() if r not in done]


# What only GET {id}/ carries; the list has every other field of the detail.
DETAIL_ONLY = (
    "editable",
    "signatories",
    "planned_total",
    "terms",
    "lines",
    "milestones",
    "review_round",
    "over_value_threshold",
    "over_credit_limit",
    "credit_exposure",
    "required_sign_offs",
    "missing_sign_offs",
    "sign_offs",
    "attachments",
    "rejected_at",
    "rejection_reason",
    "signed_by_name",
    "signed_at",
    "termination_reason",
)


class ContractListSerializer(ContractSerializer):
    """The list's columns and the chain's links (opportunity, quote, lead, its orders and
    invoices); GET {id}/ carries the rest (lines, payment plan, sign-offs, attachments,
    signatories, terms, the review). The orders and invoices are read as ids for the whole
    page (two queries), not as records."""

    orders = serializers.SerializerMethodField(help_text="Its orders (created by signing)")
    invoices = serializers.SerializerMethodField(
        help_text="Its invoices (drafts and voided ones too)"
    )
    # Read as columns of the page's query (LIST_COLUMNS), not through the related records.
    lead = serializers.IntegerField(read_only=True, allow_null=True)
    account_name = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(read_only=True)

    class Meta(ContractSerializer.Meta):
        fields = [f for f in ContractSerializer.Meta.fields if f not in DETAIL_ONLY]
        read_only_fields = fields

    def load_page(self, contracts) -> None:
        ids = [c.pk for c in contracts]
        links: dict[str, dict[int, list[int]]] = {}
        for accessor in ("orders", "invoices"):
            found: dict[int, list[int]] = {}
            # Later stages: the models behind the reverse accessors, never imported.
            for contract_id, pk in (
                _related(accessor).filter(contract_id__in=ids).values_list("contract_id", "pk")
            ):
                found.setdefault(contract_id, []).append(pk)
            links[accessor] = found
        self.context["_links"] = links

    def get_orders(self, contract) -> list[int]:
        return self.context["_links"]["orders"].get(contract.pk, [])

    def get_invoices(self, contract) -> list[int]:
        return self.context["_links"]["invoices"].get(contract.pk, [])


# What the list shows of related records, as columns of its query (ltc.api.lists).
LIST_COLUMNS = {
    "lead": "opportunity__lead_id",
    "account_name": "account__name",
    "owner_name": "owner__username",
}


def _related(accessor: str):
    """The rows behind a reverse accessor of Contract, ordered by id."""
    return Contract._meta.get_field(accessor).related_model.objects.order_by("pk")


class ContractFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ContractStatus.choices)
    account = VisibleFilter(field_name="account", selector=account_list)
    owner = django_filters.NumberFilter(field_name="owner_id")
    solution_owner = django_filters.NumberFilter(field_name="solution_owner_id")
    opportunity = VisibleFilter(field_name="opportunity", selector=opportunity_list)
    lead = VisibleFilter(field_name="opportunity__lead", selector=lead_list)
    end_date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Contract
        fields = [
            "status",
            "account",
            "owner",
            "solution_owner",
            "opportunity",
            "lead",
            "currency",
            "superseded",
        ]


@extend_schema(tags=["contracts"])
@transitions_schema(Contract, ContractSerializer)
class ContractViewSet(
    BulkMixin,
    ExportMixin,
    HistoryMixin,
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Contracts the caller may see, with lines, payment plan (回款计划), review sign-offs and
    attachments. Drafted by winning an opportunity; the account owner or solution owner edits a
    draft (dates, terms, signatories, payment plan); finance approves (a manager signs off too
    when over the value threshold or the account's credit limit); sales signs."""

    queryset = Contract.objects.none()
    filter_backends = with_custom_filter()
    serializer_class = ContractSerializer
    bulk_name = "contracts"
    export_spec = CONTRACTS
    filterset_class = ContractFilter
    search_fields = ["number", "account__name", "opportunity__name"]
    ordering_fields = ["created_at", "end_date", "total", "signed_on"]
    ordering = ["-created_at", "-pk"]

    def get_serializer_class(self):
        return ContractListSerializer if self.action == "list" else ContractSerializer

    def get_queryset(self):
        if self.action == "list":
            return read_through(contract_list(user=self.request.user), **LIST_COLUMNS)
        return contract_list(user=self.request.user).prefetch_related(
            "signatories",
            Prefetch("lines", queryset=ContractLine.objects.order_by("position", "pk")),
            Prefetch("milestones", queryset=PaymentMilestone.objects.order_by("position", "pk")),
            Prefetch("sign_offs", queryset=ContractSignOff.objects.select_related("user")),
            "attachments",
            # Orders and invoices are later stages: the reverse accessors, not their models.
            # (Whole rows: deferring the protected state field would load it row by row.)
            Prefetch("orders", queryset=_related("orders")),
            Prefetch("invoices", queryset=_related("invoices")),
        )

    def _answer(self, contract, status=200):
        return Response(
            self.get_serializer(self.get_queryset().get(pk=contract.pk)).data, status=status
        )

    def perform_update(self, serializer):
        serializer.instance = services.contract_update(
            contract=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return self._answer(self.get_object())

    @extend_schema(
        request=PaymentPlanSerializer,
        responses={
            200: ContractSerializer,
            400: FieldErrors,
            403: OpenApiResponse(ErrorSerializer, description="Not the owner or solution owner"),
        },
    )
    @action(
        detail=True,
        methods=["put"],
        url_path="payment-plan",
        filter_backends=[],
        pagination_class=None,
    )
    def payment_plan(self, request, pk=None):
        """Replace the payment plan (回款计划) of a draft: each milestone a percentage of the
        total or a fixed amount, with its trigger and payment terms. The amounts must sum
        exactly to the total (percentages are allocated to the cent, the last one taking the
        remainder), or nothing changes."""
        contract = self.get_object()
        body = PaymentPlanSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.contract_set_payment_plan(
            contract=contract, user=request.user, milestones=body.validated_data["milestones"]
        )
        return self._answer(contract)

    @extend_schema(
        request=None,
        responses={201: ContractSerializer, 400: FieldErrors, 403: CONFLICT},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def amend(self, request, pk=None):
        """Start an amendment of a signed contract: a new draft version (same number) with the
        lines and plan copied, reviewed again; the signed version stays in force until the
        amendment is signed."""
        new = services.contract_amend(contract=self.get_object(), user=request.user)
        return self._answer(new, status=201)

    @extend_schema(
        request={"multipart/form-data": AttachmentSerializer},
        responses={201: AttachmentSerializer, 400: FieldErrors, 403: CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        pagination_class=None,
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def attachments(self, request, pk=None):
        """Attach a file (multipart: file, name)."""
        contract = self.get_object()
        body = AttachmentSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        attachment = services.contract_attachment_add(
            contract=contract,
            user=request.user,
            file=body.validated_data["file"],
            name=body.validated_data.get("name", ""),
        )
        # With the request in the context the file is an absolute URI, as documented.
        data = AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=201)


@extend_schema(tags=["contracts"])
class ContractLineViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Lines of the contracts the caller may see; changed only on a draft (quantity, price,
    discount, tax, description), by the account owner or solution owner. The total and the
    percentage milestones follow."""

    queryset = ContractLine.objects.none()
    serializer_class = ContractLineSerializer
    filterset_fields = ["contract"]
    ordering = ["contract", "position", "pk"]

    def get_queryset(self):
        contracts = contract_list(user=self.request.user).values("pk")
        return ContractLine.objects.filter(contract__in=contracts).select_related("contract")

    def perform_update(self, serializer):
        serializer.instance = services.contract_line_update(
            line=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.contract_line_remove(line=instance, user=self.request.user)
