from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Delivery, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox, read-only; webhook deliveries can be sent again (same body, same event
    id) with the "Redeliver" action."""

    list_display = [
        "pk",
        "kind",
        "endpoint",
        "event_id",
        "status",
        "attempts",
        "response_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["endpoint"]
    search_fields = ["=event_id"]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Redeliver the selected webhook deliveries"))
    def redeliver(self, request, queryset):
        sent = 0
        for delivery in queryset.order_by("pk"):
            try:
                services.webhook_redeliver(user=request.user, delivery=delivery)
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"#{delivery.pk}: {text}", messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", sent)
                % {"n": sent},
                messages.SUCCESS,
            )
