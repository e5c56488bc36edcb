from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from roles.models import Role
from roles.permissions import has_role

from .matrix import role_matrix
from .records import get_visible_or_404
from .transitions import UnknownTransition, get_spec, run
from .workqueue import work_queue


@login_required
def home(request):
    return render(request, "ltc/home.html", work_queue(request.user))


@login_required
@require_POST
def transition(request, app_label, model, pk, name):
    """Run a transition from a record page; a refusal is shown on the page with its reason."""
    record = get_visible_or_404(app_label, model, pk, request.user)
    try:
        run(obj=record, name=name, user=request.user, data=request.POST)
    except UnknownTransition:
        messages.error(request, _("There is no such action."))
        return _back(request, record, status=404)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Your role may not do this."))
        return _back(request, record, status=403)
    except (TransitionNotAllowed, ConcurrentTransition) as exc:
        messages.error(request, str(exc))
        return _back(request, record, status=409)
    except ValidationError as exc:
        labels = _field_labels(record, name)
        errors_by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, errors in errors_by_field.items():
            label = labels.get(field) or (field if field != "__all__" else "")
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back(request, record, status=400)
    else:
        messages.success(request, _("Done."))
    return redirect(record.get_absolute_url())


def _field_labels(record, name) -> dict[str, str]:
    """Field name -> the label the user saw, for the fields of a transition's form and model."""
    labels = {f.name: capfirst(str(f.verbose_name)) for f in record._meta.fields}
    try:
        form_class = get_spec(type(record), name).form_class()
    except UnknownTransition:
        return labels
    labels.update({key: str(f.label) for key, f in form_class.base_fields.items() if f.label})
    return labels


def _back(request, record, status):
    """Re-show the record page with the error, keeping the HTTP status honest."""
    from django.urls import resolve

    match = resolve(record.get_absolute_url())
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = status
    return response


@login_required
def handoffs(request):
    """Where work waits: each hand-off's queue, how much of it is late, the oldest wait."""
    if not (request.user.is_superuser or has_role(request.user, "manager")):
        raise PermissionDenied
    from .timers import where_work_waits

    return render(request, "ltc/handoffs.html", {"rows": where_work_waits()})


@login_required
def role_matrix_page(request):
    """Who may do what: generated from the transition declarations, never written by hand."""
    return render(request, "ltc/role_matrix.html", {"tables": role_matrix(), "roles": Role.choices})
