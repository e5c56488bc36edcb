from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("queue/", views.operations_queue_view, name="queue"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/shipments/", views.shipment_add, name="shipment-add"),
    path("<int:pk>/custom-fields/", views.custom_fields_edit, name="custom-fields"),
    path(
        "<int:pk>/acceptance-document/",
        views.acceptance_document,
        name="acceptance-document",
    ),
]
