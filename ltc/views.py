from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from ltc.paging import CappedPaginator
from roles.models import Team
from roles.permissions import has_role

from . import selectors, services
from .events import EVENTS
from .forms import ActivityForm, BotWebhookForm
from .models import Activity, BotWebhook, NotificationPreference
from .records import get_visible_or_404
from .transitions import UnknownTransition, get_spec, run
from .workqueue import work_queue


@login_required
def home(request):
    return render(request, "ltc/home.html", work_queue(request.user))


@login_required
def notifications(request):
    page = CappedPaginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "ltc/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect(_safe_next(request, "notifications"))


def _safe_next(request, default: str) -> str:
    """The `next` of a form, if it points into this site (never an open redirect)."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def activities(request):
    page = CappedPaginator(selectors.open_activities(user=request.user), 30).get_page(
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
        return redirect(record.get_absolute_url())
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return _back(request, record, status=400)


@login_required
@require_POST
def activity_done(request, pk):
    activity = get_object_or_404(Activity, pk=pk, owner=request.user)
    services.activity_complete(activity=activity, user=request.user)
    return redirect(_safe_next(request, "activities"))


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
def notification_settings(request):
    """Each user chooses, per event, whether it reaches them in the app and by email."""
    prefs = {p.event: p for p in NotificationPreference.objects.filter(user=request.user)}
    rows = [
        {
            "event": event,
            "label": label,
            "in_app": prefs[event].in_app if event in prefs else True,
            "email": prefs[event].email if event in prefs else True,
        }
        for event, label in EVENTS.items()
    ]
    if request.method == "POST":
        choices = {
            row["event"]: (
                f"{row['event']}:in_app" in request.POST,
                f"{row['event']}:email" in request.POST,
            )
            for row in rows
        }
        services.notification_preferences_save(user=request.user, choices=choices)
        messages.success(request, _("Notification settings saved."))
        return redirect("notification-settings")
    return render(request, "ltc/notification_settings.html", {"rows": rows})


def _bot_teams(user):
    if user.is_superuser or has_role(user, "manager"):
        return Team.objects.all()
    return Team.objects.filter(lead=user)


@login_required
def bots(request, pk=None):
    """Group-chat bots (WeCom, DingTalk, Feishu) of the teams the user leads or manages."""
    teams = _bot_teams(request.user)
    visible = BotWebhook.objects.filter(team__in=teams).select_related("team")
    bot = get_object_or_404(visible, pk=pk) if pk else None
    if not teams.exists():
        raise PermissionDenied
    form = BotWebhookForm(request.POST or None, instance=bot, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            services.bot_webhook_save(user=request.user, bot=bot, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Bot saved."))
            return redirect("bots")
    status = 400 if form.errors else 200
    return render(
        request, "ltc/bots.html", {"bots": visible, "form": form, "bot": bot}, status=status
    )


@login_required
def handoffs(request):
    """Where work waits: each hand-off's queue, how much of it is late, the oldest wait."""
    if not (request.user.is_superuser or has_role(request.user, "manager")):
        raise PermissionDenied
    from .timers import where_work_waits

    return render(request, "ltc/handoffs.html", {"rows": where_work_waits()})
