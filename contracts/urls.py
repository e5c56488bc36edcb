from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list_view, name="list"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/pdf/", views.contract_pdf, name="pdf"),
    path("<int:pk>/payment-plan/", views.contract_plan, name="plan"),
    path("<int:pk>/amend/", views.contract_amend, name="amend"),
    path("<int:pk>/attachments/", views.contract_attach, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.contract_attachment,
        name="attachment",
    ),
]
