"""The invoices and payments sections of the account's customer 360 (ltc/summaries.py)."""

from rest_framework import serializers

from ltc.api.summary import AmountSerializer, ReadOnlyModelSerializer, SectionSerializer, state
from ltc.summaries import Section

from .models import Invoice, Payment


class InvoiceItemSerializer(ReadOnlyModelSerializer):
    status = state("The invoice's state")
    number = serializers.CharField(allow_null=True)
    total = serializers.DecimalField(
        source="shown_total",
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="null for roles that do not see amounts",
    )
    balance = serializers.DecimalField(
        source="shown_balance",
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="null for roles that do not see amounts",
    )
    is_overdue = serializers.BooleanField(help_text="Open and past its due date")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "status",
            "currency",
            "issue_date",
            "due_date",
            "total",
            "balance",
            "is_overdue",
            "url",
        ]


class InvoicesSectionSerializer(SectionSerializer):
    open = serializers.IntegerField(help_text="Issued invoices with a balance")
    overdue = serializers.IntegerField(help_text="Open invoices past their due date")
    money = serializers.BooleanField(help_text="Whether the caller sees amounts")
    open_balance = AmountSerializer(
        many=True, allow_null=True, help_text="Open balance by currency; null without amounts"
    )
    overdue_amount = AmountSerializer(
        many=True, allow_null=True, help_text="Overdue balance by currency; null without amounts"
    )
    items = InvoiceItemSerializer(many=True, help_text="The latest invoices")


class PaymentItemSerializer(ReadOnlyModelSerializer):
    status = state("The payment's state")
    method = state("How it was paid")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Payment
        fields = ["id", "date", "amount", "currency", "method", "reference", "status", "url"]


class PaymentsSectionSerializer(SectionSerializer):
    received = AmountSerializer(many=True, help_text="Received by currency, reversals left out")
    items = PaymentItemSerializer(many=True, help_text="The latest payments")


INVOICES = Section(
    key="invoices",
    template="billing/includes/account_invoices.html",
    data="billing.selectors.account_invoices_summary",
    serializer="billing.summary.InvoicesSectionSerializer",
    order=50,
)
PAYMENTS = Section(
    key="payments",
    template="billing/includes/account_payments.html",
    data="billing.selectors.account_payments_summary",
    serializer="billing.summary.PaymentsSectionSerializer",
    order=60,
)
