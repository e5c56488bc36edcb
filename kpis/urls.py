from django.urls import path

from . import chain_views

app_name = "kpis"
urlpatterns = [
    path("chain/<str:resource>/<int:pk>/", chain_views.chain_view, name="chain"),
]
