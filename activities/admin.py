from django.contrib import admin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "owner", "due_at", "next_follow_up_at", "done_at"]
    list_filter = ["kind"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
