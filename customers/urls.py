from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_edit, name="account-create"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account-edit"),
    path("accounts/<int:pk>/merge/", views.merge, {"kind": "account"}, name="account-merge"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_edit, name="contact-create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/merge/", views.merge, {"kind": "contact"}, name="contact-merge"),
]
