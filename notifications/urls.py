from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("bots/", views.bots, name="bots"),
    path("bots/<int:pk>/", views.bots, name="bot-edit"),
]
