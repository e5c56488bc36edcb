"""Django's error answers for paths under /api/: JSON like the API's own errors.

A path the API router does not match (`/api/v1/quotes/0.5/transitions/`, an unknown resource)
never reaches DRF, so Django answers it; under /api/ that answer is `{"detail": ...}` JSON
with the same status, anywhere else the HTML error page.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)
