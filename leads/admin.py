from django.contrib import admin

from .models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Status is read-only here: transitions run through the record page or the API, where
    the role rules and the log apply."""

    list_display = ["name", "company", "status", "owner", "source", "score", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["name", "company", "email", "phone"]
    list_select_related = ["owner"]
    readonly_fields = ["status", "account", "contact", "converted_at", "score", "created_by"]
    raw_id_fields = ["owner"]
