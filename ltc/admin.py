from django.contrib import admin

from .models import Activity, Notification, TransitionLog


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


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "owner", "due_at", "next_follow_up_at", "done_at"]
    list_filter = ["kind"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
