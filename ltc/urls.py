"""Pages of the engine: the work queue, notifications, bots, hand-offs, activities and the
generic transition form every record page posts to."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("bots/", views.bots, name="bots"),
    path("handoffs/", views.handoffs, name="handoffs"),
    path("bots/<int:pk>/", views.bots, name="bot-edit"),
    path("activities/", views.activities, name="activities"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/activities/",
        views.activity_add,
        name="activity-add",
    ),
    path("activities/<int:pk>/done/", views.activity_done, name="activity-done"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/transitions/<str:name>/",
        views.transition,
        name="transition",
    ),
]
