from django.urls import path

from . import views

app_name = "pool"
urlpatterns = [
    path("", views.pool_index, name="list"),
    path("<int:pk>/claim/", views.pool_claim, name="claim"),
]
