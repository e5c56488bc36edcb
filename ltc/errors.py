"""The one mapping from domain errors to HTTP answers, shared by the API's exception handler
(ltc/api/exceptions.py) and the browser pages.

    409  the state forbids it, another request changed the record meanwhile, or the record
         seems to exist already (ltc/duplicates.py: confirm to create it anyway)
    404  no such record or action
    403  the role may not do it
    400  a rule or a field refused the input

Browser views wrap a service call in `Outcome`: a refusal becomes a message (or field errors on
the form that is shown again) and the status of the response; anything else propagates. A
refusal that leaks out of a view is answered by `RefusalMiddleware` with the same status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import resolve
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .duplicates import DuplicateError
from .transitions import UnknownTransition, get_spec

# (exception types, HTTP status), the first match wins.
ERROR_STATUS: tuple[tuple[tuple[type[BaseException], ...], int], ...] = (
    ((TransitionNotAllowed, ConcurrentTransition, DuplicateError), 409),
    ((UnknownTransition, Http404), 404),
    ((PermissionDenied,), 403),
    ((ValidationError,), 400),
)

# Every refusal, for an `except` that answers them all the same way.
REFUSALS: tuple[type[BaseException], ...] = tuple(t for types, _s in ERROR_STATUS for t in types)

NON_FIELD_KEYS = ("", NON_FIELD_ERRORS, "non_field_errors")


def status_for(exc: BaseException) -> int | None:
    """The HTTP status of a domain error; None for anything else (a bug: let it surface)."""
    for types, status in ERROR_STATUS:
        if isinstance(exc, types):
            return status
    return None


def error_message(exc: BaseException) -> str:
    """What the user reads for a refusal that is not about fields."""
    if isinstance(exc, UnknownTransition):
        return _("There is no such action.")
    if isinstance(exc, Http404):
        return _("This record does not exist, or you may not see it.")
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("Your role may not do this.")
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Not allowed from the current state.")


def validation_detail(exc: ValidationError) -> dict[str, list[str]]:
    """Field name -> messages (the API's 400 body); an error of no one field is listed under
    `non_field_errors`, or `__all__` when the model's clean() raised it."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def error_lines(exc: BaseException, labels: dict[str, str] | None = None) -> list[str]:
    """The refusal as lines of text, each field error prefixed with the field's label."""
    if not isinstance(exc, ValidationError):
        return [error_message(exc)]
    labels = labels or {}
    lines: list[str] = []
    for field, msgs in validation_detail(exc).items():
        # A field the user saw is named by its label; a rule about something that is not a
        # field on the page (e.g. "quote" on an opportunity) is its message alone, never the
        # code name of the key.
        label = "" if field in NON_FIELD_KEYS else labels.get(field, "")
        lines.extend(f"{label}: {m}" if label else m for m in msgs)
    return lines


def transition_labels(record, name: str) -> dict[str, str]:
    """Field name -> the label the user saw, for a transition's form and the record's model."""
    labels = {f.name: capfirst(str(f.verbose_name)) for f in record._meta.fields}
    try:
        form_class = get_spec(type(record), name).form_class()
    except UnknownTransition:
        return labels
    labels.update({key: str(f.label) for key, f in form_class.base_fields.items() if f.label})
    return labels


def form_labels(form) -> dict[str, str]:
    return {name: str(f.label) for name, f in form.fields.items() if f.label}


def report(request: HttpRequest, exc: BaseException, *, labels=None) -> int:
    """Put the refusal on the page as messages; returns its HTTP status."""
    for line in error_lines(exc, labels):
        messages.error(request, line)
    return status_for(exc) or 500


def add_to_form(form, exc: ValidationError) -> None:
    """Field errors onto the fields the form has; the rest as the form's non-field errors."""
    for field, msgs in validation_detail(exc).items():
        form.add_error(field if field in form.fields else None, msgs)


def form_errors(form) -> list[str]:
    """An invalid form as lines of text, for pages that do not show the form itself."""
    labels = form_labels(form)
    return [
        f"{labels[field]}: {error}" if field in labels else str(error)
        for field, errors in form.errors.items()
        for error in errors
    ]


def report_form(request: HttpRequest, form) -> int:
    for line in form_errors(form):
        messages.error(request, line)
    return 400


class Outcome:
    """`with outcome:` around a service call catches its refusal (409, 403, 400, an unknown
    action) and nothing else; a missing record still raises Http404 to Django's 404 page.

    With a form, field errors go onto the form to be shown again; otherwise every refusal
    becomes a message. `status` is what the re-shown page answers: the refusal's status, or
    400 for a bound form that did not validate, else 200."""

    def __init__(self, request: HttpRequest, *, form=None, labels: dict[str, str] | None = None):
        self.request = request
        self.form = form
        self.labels = labels
        self.error: BaseException | None = None

    def __enter__(self) -> Outcome:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or status_for(exc) is None or isinstance(exc, Http404):
            return False  # not a refusal, or no such record: Django's own answer
        self.error = exc
        if self.form is not None and isinstance(exc, ValidationError):
            add_to_form(self.form, exc)
        else:
            labels = self.labels
            if labels is None and self.form is not None:
                labels = form_labels(self.form)
            report(self.request, exc, labels=labels)
        return True

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        if self.error is not None:
            return status_for(self.error) or 500
        if self.form is not None and self.form.is_bound and self.form.errors:
            return 400
        return 200


def plain(exc: BaseException, labels: dict[str, str] | None = None) -> HttpResponse:
    """A refusal as a plain-text answer (for script-driven requests such as a board drag)."""
    return HttpResponse(
        " ".join(error_lines(exc, labels)),
        status=status_for(exc) or 500,
        content_type="text/plain; charset=utf-8",
    )


def reshow(request: HttpRequest, url: str, status: int) -> HttpResponse:
    """The page at `url` rendered for this request (with the messages just added) under an
    honest status, instead of a redirect that would answer 302."""
    match = resolve(url)
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = status
    return response


class RefusalMiddleware:
    """A state, concurrency or rule refusal that no view caught gets its status and a page that
    says why, instead of a server error. 403 and 404 keep Django's own pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        status = status_for(exc)
        if status not in (400, 409) and not isinstance(exc, UnknownTransition):
            return None
        return render(
            request,
            "refused.html",
            {"status": status, "lines": error_lines(exc)},
            status=status,
        )
