from django.urls import path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("", views.opportunity_list_view, name="list"),
    path("board/", views.board, name="board"),
    path("forecast/", views.forecast_view, name="forecast"),
    path("lost-reasons/", views.lost_reasons, name="lost-reasons"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/team/", views.opportunity_team, name="team"),
    path("<int:pk>/move/", views.board_move, name="move"),
    path("<int:pk>/quotes/new/", views.quote_create, name="quote-create"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote-detail"),
    path("quotes/<int:pk>/edit/", views.quote_edit, name="quote-edit"),
    path("quotes/<int:pk>/lines/", views.quote_line_add, name="quote-line-add"),
    path(
        "quotes/<int:pk>/lines/<int:line_pk>/remove/",
        views.quote_line_remove,
        name="quote-line-remove",
    ),
    path("quotes/<int:pk>/revise/", views.quote_revise, name="quote-revise"),
]
