from django.urls import path

from . import views

app_name = "customfields"
urlpatterns = [
    path("", views.definition_list, name="list"),
    path("new/", views.definition_create, name="create"),
    path("<int:pk>/", views.definition_edit, name="edit"),
    path("<int:pk>/retire/", views.definition_retire, name="retire"),
    path("<int:pk>/restore/", views.definition_restore, name="restore"),
]
