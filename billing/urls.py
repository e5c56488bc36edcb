from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "billing"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="billing:invoice-list"), name="index"),
    path("invoices/", views.invoice_list_view, name="invoice-list"),
    path("invoices/new/", views.invoice_create, name="invoice-create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:pk>/credit-note/", views.credit_note_create, name="credit-note-create"),
    path(
        "milestones/<int:pk>/invoice/",
        views.milestone_invoice,
        name="milestone-invoice",
    ),
    path("payments/", views.payment_list_view, name="payment-list"),
    path("payments/new/", views.payment_create, name="payment-create"),
    path("payments/<int:pk>/", views.payment_detail, name="payment-detail"),
    path("payments/<int:pk>/allocate/", views.payment_allocate, name="payment-allocate"),
    path("bank/", views.bank_review, name="bank-review"),
    path("bank/lines/<int:pk>/<str:action>/", views.bank_line_action, name="bank-line-action"),
    path("reports/aging/", views.aging_report, name="aging"),
    path("statements/<int:account_pk>/pdf/", views.statement_pdf, name="statement-pdf"),
]
