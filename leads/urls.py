from django.urls import path

from . import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("import/", views.lead_import, name="import"),
    path("import/<int:pk>/", views.lead_import_detail, name="import-detail"),
    path("assign/round-robin/", views.lead_round_robin, name="round-robin"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/assign/", views.lead_assign, name="assign"),
]
