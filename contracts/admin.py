from django.contrib import admin

from .models import Contract, ContractAttachment, ContractLine, ContractSignOff, PaymentMilestone


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    extra = 0
    readonly_fields = ["gross", "discount_amount", "tax_amount", "total"]


class PaymentMilestoneInline(admin.TabularInline):
    model = PaymentMilestone
    extra = 0


class ContractSignOffInline(admin.TabularInline):
    model = ContractSignOff
    extra = 0
    readonly_fields = ["review_round", "role", "user", "at", "decision", "comment"]


class ContractAttachmentInline(admin.TabularInline):
    model = ContractAttachment
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Read-mostly: the state changes only by transitions (the services), never here."""

    list_display = ["number", "version", "account", "status", "total", "currency", "owner"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "account__name"]
    raw_id_fields = ["opportunity", "quote", "account", "owner", "solution_owner", "amended_from"]
    readonly_fields = ["status"]
    inlines = [
        ContractLineInline,
        PaymentMilestoneInline,
        ContractSignOffInline,
        ContractAttachmentInline,
    ]
