from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("bots/", views.bots, name="bots"),
    path("bots/<int:pk>/", views.bots, name="bot-edit"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-log"),
    path("webhooks/<int:pk>/ping/", views.webhook_ping, name="webhook-test-send"),
    path(
        "webhooks/deliveries/<int:pk>/redeliver/",
        views.webhook_redeliver,
        name="webhook-log-redeliver",
    ),
]
