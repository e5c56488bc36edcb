"""Error pages beyond Django's own: 413 for a request over the size limit, also when Django
itself refuses a body (RequestDataTooBig / TooManyFields, which it would answer with 400)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .api import errors as api_errors


def too_large(request):
    limit = filesizeformat(settings.MAX_REQUEST_BYTES)
    message = _("The request is too large: at most %(limit)s may be sent at once.") % {
        "limit": limit
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "413.html", {"limit": limit, "message": message}, status=413)


def bad_request(request, exception=None):
    """handler400: a refused body size is a 413, anything else the usual 400 (JSON under
    /api/, the page elsewhere)."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return too_large(request)
    return api_errors.bad_request(request, exception)
