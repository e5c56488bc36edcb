from rest_framework.routers import SimpleRouter

from .api import (
    ForecastViewSet,
    LostReasonViewSet,
    OpportunityViewSet,
    QuoteLineViewSet,
    QuoteViewSet,
)

router = SimpleRouter()
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("quote-lines", QuoteLineViewSet, basename="quote-line")
router.register("lost-reasons", LostReasonViewSet, basename="lost-reason")
router.register("forecast", ForecastViewSet, basename="forecast")
