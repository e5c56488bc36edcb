from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from . import selectors, services
from .forms import ActivityForm
from .models import Activity
from .records import get_visible_or_404
from .transitions import UnknownTransition, run
from .workqueue import work_queue


@login_required
def home(request):
    return render(request, "ltc/home.html", work_queue(request.user))


@login_required
def notifications(request):
    page = Paginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "ltc/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect(request.POST.get("next") or "notifications")


@login_required
def activities(request):
    page = Paginator(selectors.open_activities(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "ltc/activities.html", {"page": page})


@login_required
@require_POST
def activity_add(request, app_label, model, pk):
    record = get_visible_or_404(app_label, model, pk, request.user)
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.activity_create(
            record=record,
            owner=request.user,
            kind=data["kind"],
            subject=data["subject"],
            notes=data["notes"],
            due_at=data["due_at"],
            next_follow_up_at=data["next_follow_up_at"],
            done=data["done"],
        )
        messages.success(request, _("Activity logged."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''} {error}"
                )
    return redirect(record.get_absolute_url())


@login_required
@require_POST
def activity_done(request, pk):
    activity = get_object_or_404(Activity, pk=pk, owner=request.user)
    services.activity_complete(activity=activity, user=request.user)
    return redirect(request.POST.get("next") or "activities")


@login_required
@require_POST
def transition(request, app_label, model, pk, name):
    """Run a transition from a record page; a refusal is shown on the page with its reason."""
    record = get_visible_or_404(app_label, model, pk, request.user)
    try:
        run(obj=record, name=name, user=request.user, data=request.POST)
    except UnknownTransition:
        messages.error(request, _("There is no such action."))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Your role may not do this."))
        return _back(request, record, status=403)
    except (TransitionNotAllowed, ConcurrentTransition) as exc:
        messages.error(request, str(exc))
        return _back(request, record, status=409)
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
            for error in errors:
                messages.error(
                    request, f"{field}: {error}" if field and field != "__all__" else error
                )
        return _back(request, record, status=400)
    else:
        messages.success(request, _("Done."))
    return redirect(record.get_absolute_url())


def _back(request, record, status):
    """Re-show the record page with the error, keeping the HTTP status honest."""
    from django.urls import resolve

    match = resolve(record.get_absolute_url())
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = status
    return response
