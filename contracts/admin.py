"""Contracts change through the services (drafts are edited on the contract page, the state only
by transitions); the admin shows them, and a contract past its draft is entirely read-only
here, lines, plan, sign-offs and attachments included."""

from django.contrib import admin

from .models import Contract, ContractAttachment, ContractLine, ContractSignOff, PaymentMilestone


def _locked(contract) -> bool:
    return contract is not None and not contract.is_editable


class LockedWithContractInline(admin.TabularInline):
    """An inline that cannot be changed, added to or deleted once its contract left draft."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


class ContractLineInline(LockedWithContractInline):
    model = ContractLine
    readonly_fields = ["gross", "discount_amount", "tax_amount", "total"]


class PaymentMilestoneInline(LockedWithContractInline):
    model = PaymentMilestone


class ContractSignOffInline(LockedWithContractInline):
    model = ContractSignOff
    readonly_fields = ["review_round", "role", "user", "at", "decision", "comment"]

    def has_add_permission(self, request, obj=None):
        return False  # a sign-off is recorded by the review transitions only


class ContractAttachmentInline(LockedWithContractInline):
    model = ContractAttachment


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
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

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)
