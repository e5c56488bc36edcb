"""Pages of the engine: the work queue, where work waits, and the generic transition form
every record page posts to."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("handoffs/", views.handoffs, name="handoffs"),
    path("api/quickstart/", views.api_quickstart, name="api-quickstart"),
    path("api/webhooks/events/", views.webhook_events, name="webhook-events"),
    path("roles/matrix/", views.role_matrix_page, name="role-matrix"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/transitions/<str:name>/",
        views.transition,
        name="transition",
    ),
]
