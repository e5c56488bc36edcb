from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from catalog.api import ProductViewSet
from customers.api import AccountViewSet, ContactViewSet
from leads.api import LeadViewSet

from .integrations import BotWebhookViewSet, NotificationPreferenceViewSet, WebhookEndpointViewSet
from .views import ActivityViewSet, NotificationViewSet

router = DefaultRouter()
router.register("leads", LeadViewSet, basename="lead")
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("products", ProductViewSet, basename="product")
router.register("activities", ActivityViewSet, basename="activity")
router.register("notifications", NotificationViewSet, basename="notification")
router.register(
    "notification-preferences", NotificationPreferenceViewSet, basename="notification-preference"
)
router.register("bot-webhooks", BotWebhookViewSet, basename="bot-webhook")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

from opportunities.api import (  # noqa: E402 - stage 2 (helper "opps")
    ForecastViewSet,
    LostReasonViewSet,
    OpportunityViewSet,
    QuoteLineViewSet,
    QuoteViewSet,
)

router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("quote-lines", QuoteLineViewSet, basename="quote-line")
router.register("lost-reasons", LostReasonViewSet, basename="lost-reason")
router.register("forecast", ForecastViewSet, basename="forecast")

from contracts.api import ContractLineViewSet, ContractViewSet  # noqa: E402 - stage 3 ("contracts")
from orders.api import OrderViewSet, ShipmentViewSet  # noqa: E402 - stage 3 ("contracts")

router.register("contracts", ContractViewSet, basename="contract")
router.register("contract-lines", ContractLineViewSet, basename="contract-line")
router.register("orders", OrderViewSet, basename="order")
router.register("shipments", ShipmentViewSet, basename="shipment")

from feedback.api import (  # noqa: E402 - stage 4b (helper "feedback")
    AccountFlagViewSet,
    FeedbackItemViewSet,
    SurveyViewSet,
    TicketViewSet,
)

router.register("tickets", TicketViewSet, basename="ticket")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("feedback-items", FeedbackItemViewSet, basename="feedback-item")
router.register("account-flags", AccountFlagViewSet, basename="account-flag")

from pool.api import PoolViewSet  # noqa: E402 - public pool (helper "feedback")

router.register("pool", PoolViewSet, basename="pool")

from billing.api import (  # noqa: E402 - stage 4 ("billing")
    AgingReportViewSet,
    BankLineViewSet,
    BankStatementViewSet,
    CreditNoteViewSet,
    InvoiceViewSet,
    PaymentViewSet,
    StatementPdfViewSet,
)

router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
router.register("bank-statements", BankStatementViewSet, basename="bank-statement")
router.register("bank-lines", BankLineViewSet, basename="bank-line")
router.register("reports/ar-aging", AgingReportViewSet, basename="ar-aging")
router.register("statements", StatementPdfViewSet, basename="customer-statement")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
