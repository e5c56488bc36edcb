from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("tickets/", views.ticket_index, name="ticket-list"),
    path("tickets/new/", views.ticket_create, name="ticket-create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path("surveys/", views.survey_index, name="survey-list"),
    path("surveys/<int:pk>/resend/", views.survey_resend, name="survey-resend"),
    path("flags/", views.flag_index, name="flag-list"),
    path("flags/<int:pk>/clear/", views.flag_clear, name="flag-clear"),
    path("feedback/", views.item_index, name="item-list"),
    path("feedback/<int:pk>/status/", views.item_status, name="item-status"),
    # Public (no login): the customer's answer page, reached through the signed link.
    path("survey/<str:token>/", views.survey_answer, name="survey-answer"),
]
