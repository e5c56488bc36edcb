"""KPI pages: the overview with charts, drill-down, exports, targets, hand-off ratings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ltc.records import get_visible_or_404
from ltc.services import record_url

from . import dashboard, drill, exports, selectors
from .filters import choices, read_filters
from .forms import TargetForm, TargetImportForm
from .models import Target
from .ratings import handoff_rate
from .services import can_set_targets, target_import, target_save


def _bad(request, template, exc: selectors.BadParameter, context=None):
    ctx = {
        "error_field": exc.field,
        "error": exc.message,
        **choices(request.user),
        **(context or {}),
    }
    return render(request, template, ctx, status=400)


@login_required
def overview(request):
    try:
        f = read_filters(request.user, request.GET)
    except selectors.BadParameter as exc:
        return _bad(request, "kpis/overview.html", exc)
    kw = {"team": f.team, "owner": f.owner}
    sections = dashboard.overview(request.user, f.period, currency=f.currency, **kw)
    for section in sections:
        for row in section["rows"]:
            row["drill"] = reverse("kpis:drill") + "?" + urlencode(f.query(metric=row["key"]))
    attainment = selectors.attainment(request.user, f.period, **kw)
    coverage = dashboard.pipeline_coverage(
        request.user, f.period, currency=f.currency, attainment=attainment, **kw
    )
    charts = dashboard.charts(request.user, f.period, currency=f.currency, coverage=coverage, **kw)
    for chart in charts:
        chart["drill"] = reverse("kpis:drill") + "?" + urlencode(f.query(metric=chart["metric"]))
    context = {
        "filters": f,
        "sections": sections,
        "charts": charts,
        "chart_data": [
            {key: c[key] for key in ("id", "type", "labels", "datasets", "horizontal")}
            for c in charts
        ],
        "attainment": attainment,
        "coverage": coverage,
        "median_cycle": dashboard.median_sales_cycle(request.user, f.period, **kw),
        "previous": f.period.previous(),
        "year_ago": f.period.year_ago(),
        "export_query": urlencode(f.query()),
        "can_set_targets": can_set_targets(request.user),
        **choices(request.user),
    }
    return render(request, "kpis/overview.html", context)


@login_required
def drill_down(request):
    """The rows that make a figure, with their count and sums (they add up to it)."""
    try:
        f = read_filters(request.user, request.GET)
        key = request.GET.get("metric", "")
        metric = selectors.get_metric(key)
        result = drill.rows_for(request.user, key, f.period, team=f.team, owner=f.owner,
                                currency=f.currency)  # fmt: skip
    except selectors.BadParameter as exc:
        return _bad(request, "kpis/drill.html", exc)
    for row in result["rows"]:
        row["url"] = drill.url_of(row["model"], row["pk"])
    return render(
        request,
        "kpis/drill.html",
        {
            "filters": f,
            "metric": metric,
            "key": key,
            "result": result,
            "back": reverse("kpis:overview") + "?" + urlencode(f.query()),
        },  # fmt: skip
    )


@login_required
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        f = read_filters(request.user, request.GET)
    except selectors.BadParameter as exc:
        return HttpResponse(f"{exc.field}: {exc.message}", status=400, content_type="text/plain")
    return exports.dashboard_export(request.user, f, fmt)


@login_required
def targets(request):
    manager = can_set_targets(request.user)
    form = TargetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if form.is_valid():
            try:
                target_save(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Target saved."))
                return redirect("kpis:targets")
        status = 400
    qs = selectors.visible_targets(request.user).select_related("owner", "team")[:500]
    return render(
        request,
        "kpis/targets.html",
        {"form": form, "targets": qs, "manager": manager, "import_form": TargetImportForm()},
        status=status,
    )


@login_required
def target_edit(request, pk):
    if not can_set_targets(request.user):
        raise PermissionDenied
    target = get_object_or_404(Target, pk=pk)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            target_save(user=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Target saved."))
            return redirect("kpis:targets")
    return render(
        request,
        "kpis/target_form.html",
        {"form": form, "target": target},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def target_upload(request):
    if not can_set_targets(request.user):
        raise PermissionDenied
    form = TargetImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            count = target_import(user=request.user, raw=form.cleaned_data["file"].read())
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(n)d targets imported.") % {"n": count})
            return redirect("kpis:targets")
    qs = selectors.visible_targets(request.user).select_related("owner", "team")[:500]
    return render(
        request,
        "kpis/targets.html",
        {
            "form": TargetForm(),
            "targets": qs,
            "manager": True,
            "import_form": form,
            "import_errors": errors,
        },  # fmt: skip
        status=400,
    )


@login_required
@require_POST
def rate_handoff(request, app_label, model_name, pk):
    record = get_visible_or_404(app_label, model_name, pk, request.user)
    try:
        handoff_rate(
            user=request.user,
            record=record,
            handoff=request.POST.get("handoff", ""),
            score=request.POST.get("score"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you: your rating of this hand-off is saved."))
    back = request.POST.get("next") or record_url_for(record)
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = record_url_for(record)
    return redirect(back)


def record_url_for(record) -> str:
    from django.contrib.contenttypes.models import ContentType

    return record_url(ContentType.objects.get_for_model(record), record.pk) or "/"
