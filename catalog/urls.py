from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_edit, name="product-create"),
    path("products/<int:pk>/", views.product_detail, name="product-detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product-edit"),
]
