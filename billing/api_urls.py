from rest_framework.routers import SimpleRouter

from .api import (
    AgingReportViewSet,
    BankLineViewSet,
    BankStatementViewSet,
    CreditNoteViewSet,
    InvoiceViewSet,
    PaymentViewSet,
    StatementPdfViewSet,
)

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
router.register("bank-statements", BankStatementViewSet, basename="bank-statement")
router.register("bank-lines", BankLineViewSet, basename="bank-line")
router.register("reports/ar-aging", AgingReportViewSet, basename="ar-aging")
router.register("statements", StatementPdfViewSet, basename="customer-statement")
