from django.urls import path

from . import chain_views, forecast, views

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
    path("forecast/", forecast.forecast_view, name="forecast"),
    path("chain/<str:resource>/<int:pk>/", chain_views.chain_view, name="chain"),
]
