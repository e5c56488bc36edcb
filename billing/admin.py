"""Read-only admin: billing records change only through the services (issued invoices and
payments are never edited or deleted)."""

from django.contrib import admin

from .models import (
    BankLineMatch,
    BankStatement,
    BankStatementLine,
    CreditNote,
    DunningNotice,
    Invoice,
    InvoiceLine,
    NumberCounter,
    Payment,
    PaymentAllocation,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyMixin, admin.TabularInline):
    model = InvoiceLine
    extra = 0


class AllocationInline(ReadOnlyMixin, admin.TabularInline):
    model = PaymentAllocation
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "account", "status", "total", "balance", "currency", "due_date"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "account__name"]
    inlines = [InvoiceLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "account", "date", "amount", "currency", "status", "reference"]
    list_filter = ["status", "currency", "method"]
    search_fields = ["reference", "account__name"]
    inlines = [AllocationInline]


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "invoice", "amount", "issue_date"]
    search_fields = ["number", "invoice__number"]


class BankLineInline(ReadOnlyMixin, admin.TabularInline):
    model = BankStatementLine
    extra = 0


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "name", "currency", "uploaded_by", "uploaded_at"]
    inlines = [BankLineInline]


for model in (NumberCounter, DunningNotice, BankLineMatch):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyMixin, admin.ModelAdmin), {})
    )
