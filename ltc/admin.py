from django.contrib import admin

from .models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The log is evidence: read-only."""

    list_display = ["at", "content_type", "object_id", "transition", "source", "target", "by"]
    list_filter = ["content_type", "transition"]
    list_select_related = ["content_type", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
