from rest_framework.routers import SimpleRouter

from .api import AccountFlagViewSet, FeedbackItemViewSet, SurveyViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("feedback-items", FeedbackItemViewSet, basename="feedback-item")
router.register("account-flags", AccountFlagViewSet, basename="account-flag")
