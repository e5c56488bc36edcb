from django.contrib import admin

from .models import Lead, LeadImport


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


@admin.register(LeadImport)
class LeadImportAdmin(admin.ModelAdmin):
    """Import jobs, read-only: they are written by the upload page and the Celery task."""

    list_display = ["file_name", "user", "created_at", "rows_checked", "rows_total", "finished_at"]
    list_filter = ["created_at"]
    readonly_fields = [f.name for f in LeadImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
