"""Pages of the engine: the work queue, where work waits, and the generic transition form
every record page posts to."""

from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("handoffs/", views.handoffs, name="handoffs"),
    path("api/quickstart/", views.api_quickstart, name="api-quickstart"),
    path("api/webhooks/events/", views.webhook_events, name="webhook-events"),
    path("roles/matrix/", views.role_matrix_page, name="role-matrix"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/jobs/<int:pk>/", import_views.import_job, name="import-job"),
    path("imports/<slug:entity>/", import_views.import_upload, name="import-upload"),
    path(
        "imports/<slug:entity>/template.<str:fmt>",
        import_views.import_template,
        name="import-template",
    ),
    path("bulk/<slug:name>/", views.bulk, name="bulk"),
    path("bulk/<slug:name>/fields/", views.bulk_fields, name="bulk-fields"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/transitions/<str:name>/",
        views.transition,
        name="transition",
    ),
]
