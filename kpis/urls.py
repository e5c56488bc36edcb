from django.urls import path

from . import chain_views, forecast

app_name = "kpis"
urlpatterns = [
    path("forecast/", forecast.forecast_view, name="forecast"),
    path("chain/<str:resource>/<int:pk>/", chain_views.chain_view, name="chain"),
]
