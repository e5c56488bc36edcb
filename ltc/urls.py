from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("bots/", views.bots, name="bots"),
    path("handoffs/", views.handoffs, name="handoffs"),
    path("bots/<int:pk>/", views.bots, name="bot-edit"),
    path("activities/", views.activities, name="activities"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/activities/",
        views.activity_add,
        name="activity-add",
    ),
    path("activities/<int:pk>/done/", views.activity_done, name="activity-done"),
    path(
        "records/<str:app_label>/<str:model>/<int:pk>/transitions/<str:name>/",
        views.transition,
        name="transition",
    ),
    path("roles/", include("roles.urls")),
    path("customers/", include("customers.urls")),
    path("catalog/", include("catalog.urls")),
    path("leads/", include("leads.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("billing/", include("billing.urls")),
    path("contracts/", include("contracts.urls")),
    path("orders/", include("orders.urls")),
    path("service/", include("feedback.urls")),
    path("pool/", include("pool.urls")),
    path("api/v1/", include("ltc.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
