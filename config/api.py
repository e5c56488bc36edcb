"""The API root: `/api/v1/` is the union of each app's own `api_urls.router`."""

from importlib import import_module

from django.urls import include, path

from ltc.api.routers import ApiRouter
from roles.api import ObtainTokenView

# Apps that publish API routes, in the order of the lead-to-cash chain.
API_APPS = [
    "roles",
    "notifications",
    "ltc",
    "activities",
    "listviews",
    "customfields",
    "customers",
    "catalog",
    "leads",
    "opportunities",
    "contracts",
    "orders",
    "billing",
    "feedback",
    "pool",
    "search",
    "kpis",
]

# Digits-only ids and the query-parameter check on every route (see ltc.api.routers).
router = ApiRouter()
for app in API_APPS:
    router.extend(import_module(f"{app}.api_urls").router.registry)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
