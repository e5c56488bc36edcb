from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("drill/", views.drill_down, name="drill"),
    path("export.<str:fmt>", views.export, name="export"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/", views.target_edit, name="target-edit"),
    path("targets/import/", views.target_upload, name="target-import"),
    path(
        "rate/<str:app_label>/<str:model_name>/<int:pk>/", views.rate_handoff, name="rate-handoff"
    ),
]
