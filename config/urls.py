"""Root URLs: authentication, i18n, the admin, the API, and each app's own `urls.py`."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from notifications import views as notification_views

urlpatterns = [
    # Django's login; the user's saved language comes with the new session.
    path("login/", notification_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The switcher also keeps a signed-in user's choice (their notifications' language).
    path("i18n/setlang/", notification_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("ltc.urls")),
    path("", include("notifications.urls")),
    path("", include("activities.urls")),
    path("roles/", include("roles.urls")),
    path("list-views/", include("listviews.urls")),
    path("company/", include("company.urls")),
    path("customers/", include("customers.urls")),
    path("catalog/", include("catalog.urls")),
    path("leads/", include("leads.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("billing/", include("billing.urls")),
    path("contracts/", include("contracts.urls")),
    path("orders/", include("orders.urls")),
    path("service/", include("feedback.urls")),
    path("pool/", include("pool.urls")),
    path("search/", include("search.urls")),
    path("kpis/", include("kpis.urls")),
    path("settings/rules/", include("rules.urls")),
    path("settings/custom-fields/", include("customfields.urls")),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="ltc/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

# Under /api/ Django's own error answers are JSON too (ltc.api.errors); a body over the size
# limit is a 413 (ltc.error_pages), any other bad request the 400 of ltc.api.errors.
handler400 = "ltc.error_pages.bad_request"
handler403 = "ltc.api.errors.permission_denied"
handler404 = "ltc.api.errors.page_not_found"
handler500 = "ltc.api.errors.server_error"
