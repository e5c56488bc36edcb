from django.contrib import admin

from .models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "list_name", "owner", "shared_team", "updated_at")
    list_filter = ("list_name",)
    search_fields = ("name", "owner__username")
