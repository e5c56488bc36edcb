"""Billing in the REST API: invoices (with lines), payments (with allocations), credit notes,
bank statements and lines (import, review), the AR aging report with DSO.

Reads go through billing.selectors (role-aware: what the caller may not see is 404; sales and
marketing get invoices without money fields); writes through billing.services (finance).
`status` changes only through POST {id}/transitions/{name}/. Issued invoices and payments are
never edited or deleted: PATCH/DELETE of an issued invoice is 400 with the reason.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from company.documents import document_language
from contracts.selectors import contract_list
from customers.models import Account
from customers.selectors import account_list
from leads.selectors import lead_list
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.fields import StrictDecimalField
from ltc.api.filters import VisibleFilter
from ltc.api.history import HistoryMixin
from ltc.api.lists import read_through
from ltc.api.mixins import (
    FieldErrors,
    IdempotentCreateMixin,
    TransitionsMixin,
    transitions_schema,
)
from ltc.api.relations import BuiltFieldsMixin, VisibleRelationsMixin
from ltc.api.schema import RoleShapedSerializer
from ltc.money import default_currency
from ltc.uploads import validate_text_size, validate_upload_size
from opportunities.selectors import opportunity_list
from roles.policies import require

from . import bank, reports, services
from .exports import INVOICES, PAYMENTS
from .models import (
    BankLineMatch,
    BankLineStatus,
    BankStatement,
    BankStatementLine,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentStatus,
)
from .selectors import (
    INVOICE_STATUS_FIELDS,
    bank_line_list,
    credit_note_list,
    invoice_list,
    payment_list,
    sees_money,
)

MONEY = {"max_digits": 14, "decimal_places": 2}

LANG_PARAMETER = OpenApiParameter(
    "lang", str, enum=["zh-hans", "en"], description="The document's language (default: yours)"
)


class ServiceCreateMixin:
    """create() through the viewset's `_create(request)` (a service), after
    IdempotentCreateMixin in the MRO so a retried request is answered from the stored key."""

    def create(self, request, *args, **kwargs):
        return self._create(request)


# --- invoices ---------------------------------------------------------------------------------
@described(
    description="What is billed, as printed on the invoice",
    unit_price="Price per unit before tax",
    net="Quantity x unit price",
    tax_amount="The tax: tax rate % of the net amount",
    total="Line total: net + tax",
)
class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "position",
            "description",
            "quantity",
            "unit_price",
            "tax_rate",
            "net",
            "tax_amount",
            "total",
        ]
        read_only_fields = ["id", "position", "net", "tax_amount", "total"]


@described(
    description="What is billed, as printed on the invoice",
    quantity="Quantity billed (default 1)",
    unit_price="Price per unit before tax",
    tax_rate="Tax rate in percent (e.g. 13.00 for 13% VAT; default 0)",
)
class InvoiceLineInput(VisibleRelationsMixin, serializers.Serializer):
    description = serializers.CharField(max_length=300)
    quantity = StrictDecimalField(max_digits=12, decimal_places=3, default="1")
    unit_price = StrictDecimalField(**MONEY)
    tax_rate = StrictDecimalField(max_digits=5, decimal_places=2, default="0")


@described(
    payment="The payment (id) applied",
    payment_date="The date that payment was received",
    amount="How much of the payment went to this invoice",
)
class InvoiceAllocationSerializer(serializers.ModelSerializer):
    """A payment applied to the invoice."""

    payment_date = serializers.DateField(source="payment.date", read_only=True)

    class Meta:
        model = PaymentAllocation
        fields = ["id", "payment", "payment_date", "amount", "reversed", "created_at"]
        read_only_fields = fields


@described(
    number="The credit note's number",
    amount="The amount credited against the invoice",
    reason="Why the credit was given",
    issue_date="The date the credit note was issued",
)
class InvoiceCreditNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditNote
        fields = ["id", "number", "amount", "reason", "issue_date"]
        read_only_fields = fields


@described(
    milestone="The contract's payment milestone this invoice bills, if any",
    subtotal="Sum of the lines' net amounts, before tax",
    tax="Sum of the lines' tax",
    total="subtotal + tax",
    amount_paid="What payments have settled so far",
    amount_credited="What credit notes have taken off",
    balance="What is still owed: total - paid - credited",
    emailed_to="The address the issued invoice was emailed to",
    issued_at="When the invoice was issued (from then on it never changes)",
    paid_at="When it was paid in full",
    voided_at="When it was voided",
    void_reason="Why it was voided",
    allocations="The payments applied to it, with the amount of each",
    credit_notes="The credit notes issued against it",
    contract="The contract it bills, if any",
    account="The customer account (id) billed",
)
class InvoiceSerializer(RoleShapedSerializer, BuiltFieldsMixin, serializers.ModelSerializer):
    """The full invoice (finance, manager). Sales and marketing get only the status fields
    (InvoiceStatusSerializer): the others are documented as not required."""

    account_name = serializers.CharField(source="account.name", read_only=True)
    contract_number = serializers.CharField(
        source="contract.number", read_only=True, allow_null=True, default=None
    )
    lines = InvoiceLineSerializer(many=True, read_only=True)
    editable = serializers.BooleanField(source="is_editable", read_only=True)
    allocations = InvoiceAllocationSerializer(
        many=True, read_only=True, help_text="Payments applied to it"
    )
    credit_notes = InvoiceCreditNoteSerializer(
        many=True, read_only=True, help_text="Credit notes against it"
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "status",
            "editable",
            "account",
            "account_name",
            "contract",
            "contract_number",
            "milestone",
            "currency",
            "issue_date",
            "due_date",
            "payment_terms_days",
            "subtotal",
            "tax",
            "total",
            "amount_paid",
            "amount_credited",
            "balance",
            "notes",
            "lines",
            "allocations",
            "credit_notes",
            "emailed_to",
            "issued_at",
            "paid_at",
            "voided_at",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        role_dependent_fields = [f for f in fields if f not in INVOICE_STATUS_FIELDS]


# What only GET {id}/ carries; the list has every other field of the detail.
DETAIL_ONLY = ("lines", "allocations", "credit_notes")
# What the list shows of related records, as columns of its query (ltc.api.lists).
LIST_COLUMNS = {"account_name": "account__name", "contract_number": "contract__number"}


class InvoiceListSerializer(InvoiceSerializer):
    """The list's columns; GET {id}/ carries the lines, the payments applied and the credit
    notes."""

    account_name = serializers.CharField(read_only=True)
    contract_number = serializers.CharField(read_only=True, allow_null=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [f for f in InvoiceSerializer.Meta.fields if f not in DETAIL_ONLY]
        read_only_fields = fields
        role_dependent_fields = [f for f in fields if f not in INVOICE_STATUS_FIELDS]


class InvoiceStatusSerializer(BuiltFieldsMixin, serializers.ModelSerializer):
    """What sales (their accounts) and marketing see: the status, no money fields."""

    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = Invoice
        fields = INVOICE_STATUS_FIELDS
        read_only_fields = fields


class InvoiceStatusListSerializer(InvoiceStatusSerializer):
    account_name = serializers.CharField(read_only=True)


@described(
    account="The customer account (id) to bill",
    contract="The contract (id) it bills, if any; it must be the account's",
    currency="ISO 4217 currency code; default: the contract's, else the account's",
    payment_terms_days="Days from issue to due date (default 30)",
    notes="Notes printed on the invoice",
    lines="What is billed; at least one line",
)
class InvoiceCreateSerializer(VisibleRelationsMixin, serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    contract = serializers.IntegerField(required=False, allow_null=True)
    currency = serializers.CharField(required=False, max_length=3)
    payment_terms_days = serializers.IntegerField(default=30, min_value=0, max_value=365)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = InvoiceLineInput(many=True)


@described(
    payment_terms_days="Days from issue to due date",
    notes="Notes printed on the invoice",
    lines="The new lines; they replace all the current ones",
)
class InvoiceUpdateSerializer(VisibleRelationsMixin, serializers.Serializer):
    payment_terms_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = InvoiceLineInput(many=True, required=False)


class FromMilestoneSerializer(VisibleRelationsMixin, serializers.Serializer):
    milestone = serializers.IntegerField(help_text="A payment milestone of a signed contract")


class InvoiceFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=InvoiceStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    account = VisibleFilter(field_name="account", selector=account_list)
    contract = VisibleFilter(field_name="contract", selector=contract_list)
    opportunity = VisibleFilter(field_name="contract__opportunity", selector=opportunity_list)
    lead = VisibleFilter(field_name="contract__opportunity__lead", selector=lead_list)
    payment = VisibleFilter(field_name="allocations__payment", selector=payment_list, distinct=True)

    class Meta:
        model = Invoice
        fields = [
            "status",
            "account",
            "contract",
            "opportunity",
            "lead",
            "payment",
            "currency",
            "milestone",
        ]


def _finance_only(request):
    if not sees_money(request.user):
        raise PermissionDenied("Only finance and the manager see this.")


@transitions_schema(Invoice, InvoiceSerializer)
class InvoiceViewSet(BulkMixin, ExportMixin, HistoryMixin, TransitionsMixin, viewsets.ModelViewSet):
    """Invoices with their lines. POST creates a draft (finance); PATCH changes a draft;
    DELETE removes a draft. An issued invoice is never edited or deleted (400)."""

    bulk_name = "invoices"
    export_spec = INVOICES
    extra_query_params = {"pdf": ["lang"]}
    filterset_class = InvoiceFilter
    search_fields = ["number", "account__name", "contract__number"]
    ordering_fields = ["created_at", "issue_date", "due_date", "total", "balance", "number"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = invoice_list(user=self.request.user)
        if self.action == "list":
            return read_through(qs, **LIST_COLUMNS)
        if sees_money(self.request.user):
            qs = qs.prefetch_related(
                "lines",
                Prefetch(
                    "allocations",
                    queryset=PaymentAllocation.objects.select_related("payment").order_by("pk"),
                ),
                Prefetch("credit_notes", queryset=CreditNote.objects.order_by("pk")),
            )
        return qs

    def history_fields(self):
        # Sales and marketing read an invoice's status fields only, in its history too.
        return None if sees_money(self.request.user) else set(INVOICE_STATUS_FIELDS)

    def get_serializer_class(self):
        listing = self.action == "list"
        if getattr(self, "swagger_fake_view", False) or sees_money(self.request.user):
            return InvoiceListSerializer if listing else InvoiceSerializer
        return InvoiceStatusListSerializer if listing else InvoiceStatusSerializer

    @extend_schema(
        request=InvoiceCreateSerializer, responses={201: InvoiceSerializer, 400: FieldErrors}
    )
    def create(self, request, *args, **kwargs):
        data = InvoiceCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        contract = None
        if fields.get("contract"):
            from contracts.models import Contract

            contract = Contract.objects.filter(pk=fields["contract"]).first()
            if contract is None:
                raise serializers.ValidationError({"contract": ["No such contract."]})
        invoice = services.invoice_create(
            user=request.user,
            account=fields["account"],
            contract=contract,
            currency=fields.get("currency"),
            payment_terms_days=fields["payment_terms_days"],
            notes=fields["notes"],
            lines=[dict(line) for line in fields["lines"]],
        )
        invoice = self.get_queryset().get(pk=invoice.pk)
        return Response(InvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InvoiceUpdateSerializer, responses={200: InvoiceSerializer, 400: FieldErrors}
    )
    def partial_update(self, request, *args, **kwargs):
        invoice = self.get_object()
        data = InvoiceUpdateSerializer(
            data=request.data, context={"request": request}, partial=True
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lines = fields.pop("lines", None)
        invoice = services.invoice_update(
            invoice=invoice,
            user=request.user,
            lines=[dict(line) for line in lines] if lines is not None else None,
            **fields,
        )
        return Response(InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.invoice_delete_draft(invoice=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=FromMilestoneSerializer,
        responses={201: InvoiceSerializer, 400: FieldErrors},
        summary="Draft the invoice of a payment milestone (e.g. on acceptance)",
    )
    @action(detail=False, methods=["post"], url_path="from-milestone")
    def from_milestone(self, request):
        from contracts.models import PaymentMilestone

        require(request.user, "billing.invoice")
        data = FromMilestoneSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        milestone = PaymentMilestone.objects.filter(pk=data.validated_data["milestone"]).first()
        if milestone is None:
            raise serializers.ValidationError({"milestone": ["No such milestone."]})
        invoice = services.invoice_raise_for_milestone(milestone=milestone, user=request.user)
        return Response(
            InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[LANG_PARAMETER], responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def pdf(self, request, pk=None):
        """The invoice as a PDF (finance, manager), in `lang` (default: the caller's)."""
        _finance_only(request)
        from .pdf import invoice_pdf

        invoice = self.get_object()
        pdf = invoice_pdf(invoice, language=document_language(request))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = invoice.number or f"draft-{invoice.pk}"
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response


# --- payments ---------------------------------------------------------------------------------
@described(
    invoice="The invoice (id) it was applied to",
    amount="How much of the payment went to that invoice",
)
class AllocationSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = PaymentAllocation
        fields = ["id", "invoice", "invoice_number", "amount", "reversed", "created_at"]
        read_only_fields = fields


@described(
    invoice="An open invoice (id) of the payment's account, in its currency",
    amount="How much of the payment to apply to it (at most its balance)",
)
class AllocationInput(VisibleRelationsMixin, serializers.Serializer):
    invoice = serializers.IntegerField()
    amount = StrictDecimalField(**MONEY)


@described(
    date="The date the money was received",
    amount="The amount received",
    method="How it was paid (bank transfer, ...)",
    reference="The bank or payer reference",
    amount_allocated="How much of it is applied to invoices",
    unallocated="How much of it is not applied to any invoice yet",
    allocations="The invoices it was applied to, with the amount of each",
    reconciled_at="When it was matched to the bank statement",
    reversed_at="When it was reversed (e.g. a bounced transfer)",
    reversal_reason="Why it was reversed",
    recorded_by="The user (id) who recorded it",
    account="The customer account (id) that paid",
)
class PaymentSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)
    unallocated = StrictDecimalField(read_only=True, **MONEY)

    class Meta:
        model = Payment
        fields = [
            "id",
            "account",
            "account_name",
            "date",
            "amount",
            "currency",
            "method",
            "reference",
            "status",
            "amount_allocated",
            "unallocated",
            "allocations",
            "notes",
            "reconciled_at",
            "reversed_at",
            "reversal_reason",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


@described(
    account="The customer account (id) that paid",
    amount="The amount received",
    currency="ISO 4217 currency code; default: the account's",
    date="The date the money was received (default today)",
    method="How it was paid",
    reference="The bank or payer reference",
    notes="Free-text notes on the payment",
    allocations="Invoices to apply it to right away (optional)",
)
class PaymentCreateSerializer(VisibleRelationsMixin, serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    amount = StrictDecimalField(**MONEY)
    currency = serializers.CharField(required=False, max_length=3)
    date = serializers.DateField(required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default="bank_transfer")
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    allocations = AllocationInput(many=True, required=False, default=list)


@described(
    allocations="The invoices to apply the payment to, with the amount of each",
)
class AllocateSerializer(VisibleRelationsMixin, serializers.Serializer):
    allocations = AllocationInput(many=True)


class PaymentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PaymentStatus.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    account = VisibleFilter(field_name="account", selector=account_list)
    invoice = VisibleFilter(field_name="allocations__invoice", selector=invoice_list, distinct=True)
    contract = VisibleFilter(
        field_name="allocations__invoice__contract", selector=contract_list, distinct=True
    )

    class Meta:
        model = Payment
        fields = ["status", "account", "invoice", "contract", "currency", "method"]


def _payments_qs(user):
    return payment_list(user=user).prefetch_related(
        Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice"))
    )


@transitions_schema(Payment, PaymentSerializer)
class PaymentViewSet(
    ExportMixin,
    HistoryMixin,
    IdempotentCreateMixin,
    ServiceCreateMixin,
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Payments with their allocations (finance; the manager reads). POST records a payment
    and allocates it (send an Idempotency-Key: a retried request creates nothing twice);
    what is not allocated is the account's credit. Never edited or deleted: reverse it."""

    serializer_class = PaymentSerializer
    export_spec = PAYMENTS
    filterset_class = PaymentFilter
    search_fields = ["reference", "account__name", "notes"]
    ordering_fields = ["date", "amount", "created_at"]

    def get_queryset(self):
        return _payments_qs(self.request.user)

    @extend_schema(
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer, 400: FieldErrors},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def _create(self, request):
        data = PaymentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        payment = services.payment_record(
            user=request.user,
            account=fields["account"],
            amount=fields["amount"],
            currency=fields.get("currency"),
            date=fields.get("date"),
            method=fields["method"],
            reference=fields["reference"],
            notes=fields["notes"],
            allocations=[dict(a) for a in fields["allocations"]],
        )
        payment = self.get_queryset().get(pk=payment.pk)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AllocateSerializer, responses={200: PaymentSerializer, 400: FieldErrors})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def allocate(self, request, pk=None):
        """Allocate (more of) the payment's unallocated amount to invoices of its account."""
        payment = self.get_object()
        data = AllocateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.payment_allocate(
            payment=payment,
            user=request.user,
            allocations=[dict(a) for a in data.validated_data["allocations"]],
        )
        return Response(PaymentSerializer(self.get_queryset().get(pk=payment.pk)).data)


# --- credit notes -----------------------------------------------------------------------------
@described(
    invoice="The issued invoice (id) it credits",
    amount="The amount credited (at most the invoice's balance)",
    reason="Why the credit is given",
    issue_date="The date it was issued",
)
class CreditNoteSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "invoice",
            "invoice_number",
            "amount",
            "reason",
            "issue_date",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "number", "issue_date", "created_by", "created_at"]


@described(
    invoice="The issued invoice (id) to credit",
    amount="The amount to credit (at most the invoice's balance)",
    reason="Why the credit is given (printed on the credit note)",
)
class CreditNoteCreateSerializer(VisibleRelationsMixin, serializers.Serializer):
    invoice = serializers.IntegerField()
    amount = StrictDecimalField(**MONEY)
    reason = serializers.CharField()


class CreditNoteFilter(django_filters.FilterSet):
    invoice = VisibleFilter(field_name="invoice", selector=invoice_list)
    account = VisibleFilter(field_name="invoice__account", selector=account_list)
    invoice__account = VisibleFilter(
        field_name="invoice__account", selector=account_list, label="Same as account"
    )

    class Meta:
        model = CreditNote
        fields = ["invoice", "account", "invoice__account"]


class CreditNoteViewSet(
    IdempotentCreateMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Credit notes (finance): reduce an open invoice's balance with a reason, numbered
    CN-YYYY-NNNNNN without gaps. Never edited or deleted."""

    serializer_class = CreditNoteSerializer
    filterset_class = CreditNoteFilter
    search_fields = ["number", "invoice__number", "reason"]
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self):
        return credit_note_list(user=self.request.user)

    @extend_schema(
        request=CreditNoteCreateSerializer,
        responses={201: CreditNoteSerializer, 400: FieldErrors},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def _create(self, request):
        data = CreditNoteCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        invoice = invoice_list(user=request.user).filter(pk=data.validated_data["invoice"]).first()
        if invoice is None:
            raise serializers.ValidationError({"invoice": ["No such invoice."]})
        note = services.credit_note_issue(
            invoice=invoice,
            user=request.user,
            amount=data.validated_data["amount"],
            reason=data.validated_data["reason"],
        )
        note = self.get_queryset().get(pk=note.pk)
        return Response(CreditNoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- bank statements --------------------------------------------------------------------------
@described(
    payment="The recorded payment (id) the line matches, if any",
    invoice="The open invoice (id) the line pays, if any (confirming records the payment)",
    amount="The part of the line's amount this match covers",
    confirmed="Whether finance confirmed the match",
)
class BankLineMatchSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, default=None)

    class Meta:
        model = BankLineMatch
        fields = ["id", "payment", "invoice", "invoice_number", "amount", "confirmed"]
        read_only_fields = fields


@described(
    statement="The bank statement (id) it is a line of",
    row="Its row in the uploaded file",
    date="The booking date",
    amount="The amount received",
    reference="The bank reference / remittance text",
    payer="The payer as the bank names it",
    status="unmatched, suggested (a match is proposed), confirmed or ignored",
    matches="Suggested or confirmed matches to payments or invoices",
    payment="The payment it was reconciled with",
    confirmed_by="The user (id) who confirmed the match",
    confirmed_at="When the match was confirmed",
)
class BankLineSerializer(serializers.ModelSerializer):
    matches = BankLineMatchSerializer(many=True, read_only=True)

    class Meta:
        model = BankStatementLine
        fields = [
            "id",
            "statement",
            "row",
            "date",
            "amount",
            "reference",
            "payer",
            "status",
            "matches",
            "payment",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields


@described(
    name="The uploaded file's name",
    currency="ISO 4217 currency of the statement's amounts",
    lines="The statement's lines",
)
class BankStatementSerializer(serializers.ModelSerializer):
    lines = BankLineSerializer(many=True, read_only=True)

    class Meta:
        model = BankStatement
        fields = ["id", "name", "currency", "uploaded_by", "uploaded_at", "lines"]
        read_only_fields = fields


class StatementImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        help_text="CSV: date, amount, reference, payer",
        validators=[validate_upload_size],
    )
    csv = serializers.CharField(
        required=False,
        help_text="The CSV text instead of a file",
        validators=[validate_text_size],
    )
    currency = serializers.CharField(
        required=False,
        max_length=3,
        help_text="ISO 4217 currency of the statement's amounts; default: the company's",
    )

    def validate(self, attrs):
        if not attrs.get("file") and not attrs.get("csv"):
            raise serializers.ValidationError({"file": ["Upload a CSV file (or send csv text)."]})
        return attrs


@described(
    payment="A recorded payment (id) to match the line to",
    invoice="An open invoice (id) the line pays (a payment is recorded for it)",
    amount="The part of the line's amount for this match (default: the whole line)",
)
class MatchInput(VisibleRelationsMixin, serializers.Serializer):
    payment = serializers.IntegerField(required=False, allow_null=True)
    invoice = serializers.IntegerField(required=False, allow_null=True)
    amount = StrictDecimalField(required=False, **MONEY)


class ConfirmSerializer(VisibleRelationsMixin, serializers.Serializer):
    matches = MatchInput(
        many=True,
        required=False,
        help_text="Match by hand or split; leave out to confirm the suggested match",
    )


def _bank_lines_qs(user):
    return bank_line_list(user=user).prefetch_related(
        Prefetch("matches", queryset=BankLineMatch.objects.select_related("invoice"))
    )


class BankStatementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Bank statements. POST a CSV (multipart `file`, or JSON `csv`) with the columns date,
    amount, reference, payer: every row is checked first and one bad row refuses the file
    (400 listing every bad row); each receipt gets a suggested match to review."""

    serializer_class = BankStatementSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        qs = BankStatement.objects.prefetch_related(
            Prefetch("lines", queryset=_bank_lines_qs(self.request.user))
        )
        return qs if sees_money(self.request.user) else qs.none()

    @extend_schema(
        request=StatementImportSerializer,
        responses={201: BankStatementSerializer, 400: FieldErrors},
    )
    def create(self, request, *args, **kwargs):
        data = StatementImportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        content = upload.read() if upload else data.validated_data["csv"]
        statement = bank.statement_import(
            user=request.user,
            content=content,
            currency=data.validated_data.get("currency") or default_currency(),
            name=getattr(upload, "name", "") or "",
        )
        statement = self.get_queryset().get(pk=statement.pk)
        return Response(BankStatementSerializer(statement).data, status=status.HTTP_201_CREATED)


class BankLineFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BankLineStatus.choices)

    class Meta:
        model = BankStatementLine
        fields = ["status", "statement"]


class BankLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bank statement lines to review: confirm the suggested match, match or split by hand,
    or ignore (not a customer payment)."""

    serializer_class = BankLineSerializer
    filterset_class = BankLineFilter
    search_fields = ["reference", "payer"]
    ordering_fields = ["date", "amount", "row"]

    def get_queryset(self):
        return _bank_lines_qs(self.request.user)

    @extend_schema(request=ConfirmSerializer, responses={200: BankLineSerializer, 400: FieldErrors})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def confirm(self, request, pk=None):
        line = self.get_object()
        data = ConfirmSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        matches = data.validated_data.get("matches")
        bank.line_confirm(
            line=line,
            user=request.user,
            matches=[dict(m) for m in matches] if matches is not None else None,
        )
        return Response(BankLineSerializer(self.get_queryset().get(pk=line.pk)).data)

    @extend_schema(request=None, responses={200: BankLineSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def ignore(self, request, pk=None):
        line = self.get_object()
        bank.line_ignore(line=line, user=request.user)
        return Response(BankLineSerializer(self.get_queryset().get(pk=line.pk)).data)


# --- reports ----------------------------------------------------------------------------------
class AgingReportViewSet(viewsets.ViewSet):
    """AR aging by account and currency (current, 1–30, 31–60, 61–90, 90+ days past due) and
    DSO per currency over the last `days` days (default 90). Finance and the manager."""

    extra_query_params = {"list": ["as_of", "days"]}

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default today"),
            OpenApiParameter("days", int, description="DSO period in days (default 90)"),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def list(self, request):
        import datetime

        _finance_only(request)
        try:
            today = (
                datetime.date.fromisoformat(request.query_params["as_of"])
                if request.query_params.get("as_of")
                else None
            )
            days = int(request.query_params.get("days", 90))
        except ValueError:
            raise serializers.ValidationError(
                {"as_of": ["Use YYYY-MM-DD; days a number."]}
            ) from None
        if not 1 <= days <= 3660:
            raise serializers.ValidationError({"days": ["Between 1 and 3660."]})
        aging = reports.ar_aging(today=today)
        return Response({**aging, "dso": reports.dso(today=today, days=days)})


class StatementPdfViewSet(viewsets.ViewSet):
    """GET statements/{account id}/ → the customer statement PDF (finance, manager)."""

    extra_query_params = {"retrieve": ["lang"]}

    @extend_schema(
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="Account id"),
            LANG_PARAMETER,
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def retrieve(self, request, pk=None):
        from django.shortcuts import get_object_or_404

        from .pdf import statement_pdf

        _finance_only(request)
        account = get_object_or_404(Account, pk=pk)
        pdf = statement_pdf(account, language=document_language(request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="statement-{account.pk}.pdf"'
        return response
