"""The API root: `/api/v1/` is the union of each app's own `api_urls.router`."""

from importlib import import_module

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

# Apps that publish API routes, in the order of the lead-to-cash chain.
API_APPS = [
    "notifications",
    "activities",
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
]

router = DefaultRouter()
for app in API_APPS:
    router.registry.extend(import_module(f"{app}.api_urls").router.registry)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
