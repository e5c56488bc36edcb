from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.outbox import max_attempts
from roles.models import Role
from roles.policies import can

from .errors import Outcome, reshow, transition_labels
from .matrix import matrix_sections
from .records import get_visible_or_404
from .transitions import done_message, run, state_field
from .workqueue import work_queue


@login_required
def home(request):
    return render(request, "ltc/home.html", work_queue(request.user))


@login_required
@require_POST
def transition(request, app_label, model, pk, name):
    """Run a transition from a record page; a refusal is shown on the page with its reason."""
    record = get_visible_or_404(app_label, model, pk, request.user)
    data = request.POST
    if request.FILES:
        # a transition form with a file (e.g. the order's acceptance document)
        data = request.POST.copy()
        data.update(request.FILES)
    try:
        source = getattr(record, state_field(type(record)).name)
    except TypeError:  # no state machine: `run` refuses it as an unknown action
        source = None
    with Outcome(request, labels=transition_labels(record, name)) as outcome:
        run(obj=record, name=name, user=request.user, data=data)
    if not outcome.ok:
        return reshow(request, record.get_absolute_url(), outcome.status)
    record.refresh_from_db()
    messages.success(request, done_message(record, name, source))
    return redirect(record.get_absolute_url())


@login_required
def handoffs(request):
    """Where work waits: each hand-off's queue, how much of it is late, the oldest wait."""
    if not can(request.user, "ltc.handoffs"):
        raise PermissionDenied
    from .timers import where_work_waits

    return render(request, "ltc/handoffs.html", {"rows": where_work_waits()})


@login_required
def role_matrix_page(request):
    """Who may do what: generated from the transition declarations and the action policies,
    never written by hand."""
    sections = matrix_sections()
    return render(
        request,
        "ltc/role_matrix.html",
        {
            "sections": sections,
            "tables": [t for s in sections for t in s["tables"]],
            "roles": Role.choices,
        },
    )


# The receiver example the quick start shows; a test runs the text shown on the page against
# a real delivery.
RECEIVE_WEBHOOK_EXAMPLE = Path(__file__).parent / "docs" / "receive_webhook.py"


@login_required
def api_quickstart(request):
    """The integrator's first page: token, a lead, a transition, the chain, a webhook."""
    return render(
        request,
        "ltc/api_quickstart.html",
        {
            "site": request.build_absolute_uri("/").rstrip("/"),
            "api_root": "/api/v1/",
            "docs_url": reverse("api-docs"),
            "schema_url": reverse("schema"),
            "receive_webhook": RECEIVE_WEBHOOK_EXAMPLE.read_text(encoding="utf-8"),
            "may_integrate": can(request.user, "notifications.integrations"),
            "events_url": reverse("webhook-events"),
            "webhooks_url": reverse("webhooks"),
            "max_attempts": max_attempts(),
        },
    )


@login_required
def webhook_events(request):
    """The webhook event catalogue: every event, its payload's fields and an example."""
    from .webhook_events import catalogue

    return render(request, "ltc/webhook_events.html", {"groups": catalogue()})


@login_required
@require_POST
def bulk(request, name):
    """Run a bulk action on the rows selected in a list and show each record's result; a
    request wrong as a whole (no selection, a person or action not offered) goes back to the
    list with the reason, and nothing is changed."""
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils.http import url_has_allowed_host_and_scheme

    from .bulk import ACTION_LABELS, field_labels, get, run_bulk, summary
    from .errors import error_lines

    spec = get(name)
    if spec is None:
        raise Http404
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    action = request.POST.get("action", "")
    if action in ("export_csv", "export_xlsx") and spec.export:
        return _export_selection(request, back, action.removeprefix("export_"))
    try:
        results = run_bulk(
            spec=spec,
            user=request.user,
            ids=request.POST.getlist("ids"),
            action=action,
            params=request.POST,
        )
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed."))
        for line in error_lines(exc, field_labels(spec, request.POST, request.user)):
            messages.error(request, line)
        return redirect(back)
    shown = {o.pk: o for o in spec.queryset(request.user).filter(pk__in=[r.id for r in results])}
    rows = [{"result": r, "record": shown.get(r.id)} for r in results]
    return render(
        request,
        "ltc/bulk_results.html",
        {
            "spec": spec,
            "rows": rows,
            "action_label": ACTION_LABELS.get(action, action),
            "summary": summary(results),
            "back": back,
        },
    )


@login_required
def bulk_fields(request, name):
    """The bulk bar's fields for the transition chosen (?transition=), swapped in by htmx."""
    from django.http import Http404

    from .bulk import get, transition_form

    spec = get(name)
    if spec is None:
        raise Http404
    form = transition_form(spec, request.GET.get("transition", ""), request.user)
    return render(request, "includes/bulk_fields.html", {"form": form})


def _export_selection(request, back: str, fmt: str):
    """The list's own export (its page, its filters) narrowed to the selected ids."""
    from urllib.parse import urlencode, urlsplit

    from django.core.exceptions import ValidationError
    from django.http import QueryDict

    from .bulk import parse_ids
    from .errors import error_lines

    try:
        ids = parse_ids(request.POST.getlist("ids"))
    except ValidationError as exc:
        for line in error_lines(exc):
            messages.error(request, line)
        return redirect(back)
    url = urlsplit(back)
    params = QueryDict(url.query, mutable=True)
    for key in ("page", "export", "ids"):
        params.pop(key, None)
    query = params.urlencode()
    extra = urlencode({"export": fmt, "ids": ",".join(map(str, ids))})
    return redirect(f"{url.path}?{query + '&' if query else ''}{extra}")
