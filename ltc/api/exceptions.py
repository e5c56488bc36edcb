"""One exception handler for the whole API: domain errors become the HTTP answers of
DESIGN.md (409 state/concurrency, 403 role, 400 rule, 404 unknown transition), by the same
table the browser pages use (ltc/errors.py)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ltc.duplicates import DuplicateError
from ltc.errors import status_for, validation_detail
from ltc.transitions import UnknownTransition

__all__ = ["exception_handler", "validation_detail"]


def exception_handler(exc, context):
    status = status_for(exc)
    if isinstance(exc, DuplicateError):
        detail = validation_detail(exc)
        return Response(
            {"detail": " ".join(detail["confirm_duplicate"]), **detail, **exc.matches.as_data()},
            status=status or 409,
        )
    if status == 409:
        return Response(
            {"detail": str(exc) or _("Not allowed from the current state.")}, status=status
        )
    if isinstance(exc, UnknownTransition):
        return Response(
            {"detail": _("No such transition: %(name)s") % {"name": exc}}, status=status
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
