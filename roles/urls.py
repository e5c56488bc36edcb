from django.urls import path

from . import views

app_name = "roles"
urlpatterns = [path("matrix/", views.matrix, name="matrix")]
