from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ltc.paging import CappedPaginator
from roles.models import Team
from roles.permissions import has_role
from roles.policies import can

from . import selectors, services
from .events import EVENTS
from .forms import BotWebhookForm
from .middleware import remember_language, remember_saved_language
from .models import BotWebhook, NotificationPreference


class LoginView(auth_views.LoginView):
    """Django's login, then the user's saved language for the new session."""

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_saved_language(self.request, form.get_user())
        return response


@require_POST
def set_language(request):
    """The language switcher: Django's set_language (the cookie), and for a signed-in user the
    choice kept for the next login and for the language of their notifications."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {c for c, _l in settings.LANGUAGES}:
        services.user_language_set(user=request.user, language=language)
        remember_language(request, language)
    return response


@login_required
def notifications(request):
    page = CappedPaginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect(safe_next(request, "notifications"))


def safe_next(request, default: str) -> str:
    """The `next` of a form, if it points into this site (never an open redirect)."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


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
    return render(
        request,
        "notifications/notification_settings.html",
        {"rows": rows, "languages": settings.LANGUAGES},
    )


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
        request,
        "notifications/bots.html",
        {"bots": visible, "form": form, "bot": bot},
        status=status,
    )


def _require_integrations(user) -> None:
    """Webhook pages are for whoever may manage the endpoints; anyone else gets 403."""
    if not can(user, "notifications.integrations"):
        raise PermissionDenied


@login_required
def webhooks(request):
    """The integrator's endpoints, for whoever may manage them (managers)."""
    _require_integrations(request.user)
    return render(
        request,
        "notifications/webhooks.html",
        {"endpoints": selectors.managed_endpoints(user=request.user)},
    )


@login_required
def webhook_detail(request, pk):
    """One endpoint: its settings, the test-send button and its delivery log, newest first."""
    _require_integrations(request.user)
    endpoint = get_object_or_404(selectors.managed_endpoints(user=request.user), pk=pk)
    log = selectors.webhook_deliveries(user=request.user, endpoint=endpoint)
    page = CappedPaginator(log, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/webhook_detail.html",
        {"endpoint": endpoint, "page": page, "error_chars": selectors.LAST_ERROR_SHOWN},
    )


@login_required
@require_POST
def webhook_ping(request, pk):
    _require_integrations(request.user)
    endpoint = get_object_or_404(selectors.managed_endpoints(user=request.user), pk=pk)
    services.webhook_ping(user=request.user, endpoint=endpoint)
    messages.success(request, _("Test event sent; its outcome is in the delivery log below."))
    return redirect("webhook-log", pk=endpoint.pk)


@login_required
@require_POST
def webhook_redeliver(request, pk):
    _require_integrations(request.user)
    delivery = get_object_or_404(selectors.webhook_deliveries(user=request.user), pk=pk)
    try:
        services.webhook_redeliver(user=request.user, delivery=delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("webhook-log", pk=delivery.endpoint_id)
    messages.success(request, _("Queued again with the same event id."))
    return redirect("webhook-log", pk=delivery.endpoint_id)
