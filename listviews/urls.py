from django.urls import path

from . import views

app_name = "listviews"

urlpatterns = [
    path("save/", views.view_save, name="save"),
    path("<int:pk>/default/", views.view_default, name="default"),
    path("<int:pk>/delete/", views.view_delete, name="delete"),
    path("<int:pk>/rename/", views.view_rename, name="rename"),
    path("<str:list_name>/plain/", views.view_clear_default, name="clear-default"),
    path("<str:list_name>/columns/", views.column_chooser, name="columns"),
]
