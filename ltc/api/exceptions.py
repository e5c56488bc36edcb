"""One exception handler for the whole API: domain errors become the HTTP answers of
DESIGN.md (409 state/concurrency, 403 role, 400 rule, 404 unknown transition)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ltc.transitions import UnknownTransition


def validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, (TransitionNotAllowed, ConcurrentTransition)):
        return Response(
            {"detail": str(exc) or _("Not allowed from the current state.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, UnknownTransition):
        return Response(
            {"detail": _("No such transition: %(name)s") % {"name": exc}},
            status=status.HTTP_404_NOT_FOUND,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
