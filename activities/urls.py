from django.urls import path

from . import views

urlpatterns = [
    path("activities/", views.activities, name="activities"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/activities/",
        views.activity_add,
        name="activity-add",
    ),
    path("activities/<int:pk>/done/", views.activity_done, name="activity-done"),
]
