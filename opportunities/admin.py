from django.contrib import admin

from .models import LostReason, Opportunity, Quote, QuoteLine, QuoteSignOff


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "position"]
    list_editable = ["active", "position"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "stage", "amount", "currency", "probability", "owner"]
    list_filter = ["stage", "currency"]
    search_fields = ["name", "account__name"]
    raw_id_fields = ["account", "contact", "lead", "owner", "solution_owner", "fulfilment_owner"]
    readonly_fields = ["stage"]


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in QuoteLine._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


class QuoteSignOffInline(admin.TabularInline):
    model = QuoteSignOff
    extra = 0
    can_delete = False
    readonly_fields = ["role", "user", "at", "decision", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """Read-only: quotes change through the services (lines, transitions, sign-offs)."""

    list_display = ["__str__", "opportunity", "status", "total", "currency", "valid_until"]
    list_filter = ["status", "currency"]
    inlines = [QuoteLineInline, QuoteSignOffInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Quote._meta.fields]

    def has_add_permission(self, request):
        return False
