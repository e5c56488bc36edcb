"""Request guards every page shares: a cap on the size of a request body (a friendly 413
before anything is read) and debug pages only for the local machine."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.views import defaults

from .error_pages import too_large


class RequestSizeLimitMiddleware:
    """Refuse a body larger than MAX_REQUEST_BYTES from its Content-Length, before the body is
    read: 413 with the friendly page (JSON for the API). Uploads below it are checked by the
    form or serializer that takes them, with its own, smaller limit and message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


class DebugOnlyLocallyMiddleware:
    """With DEBUG on, the technical error pages (tracebacks, settings, URL patterns) are shown
    only to INTERNAL_IPS; anyone else gets the ordinary error pages."""

    PAGES = {
        400: lambda r: defaults.bad_request(r, BadRequest()),
        403: lambda r: defaults.permission_denied(r, PermissionDenied()),
        404: lambda r: defaults.page_not_found(r, Http404()),
        500: defaults.server_error,
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in self.PAGES
            and request.META.get("REMOTE_ADDR") not in settings.INTERNAL_IPS
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return self.PAGES[response.status_code](request)
        return response
