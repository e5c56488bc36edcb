"""KPI pages: the overview with charts, drill-down, exports, targets, hand-off ratings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.services import record_url
from ltc.errors import Outcome, reshow
from ltc.records import get_visible_or_404
from roles.policies import can, require

from . import dashboard, drill, exports, selectors
from .filters import choices, read_filters
from .forms import TargetForm, TargetImportForm
from .models import Target
from .ratings import handoff_rate
from .services import target_import, target_save


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
        "can_set_targets": can(request.user, "kpis.targets"),
        "can_export": can(request.user, "kpis.export"),
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
    require(request.user, "kpis.export")
    try:
        f = read_filters(request.user, request.GET)
    except selectors.BadParameter as exc:
        return HttpResponse(f"{exc.field}: {exc.message}", status=400, content_type="text/plain")
    return exports.dashboard_export(request.user, f, fmt)


def _targets_page(request, *, form, import_form, status: int):
    qs = selectors.visible_targets(request.user).select_related("owner", "team")[:500]
    return render(
        request,
        "kpis/targets.html",
        {
            "form": form,
            "targets": qs,
            "manager": can(request.user, "kpis.targets"),
            "import_form": import_form,
        },
        status=status,
    )


@login_required
def targets(request):
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "kpis.targets")
        outcome = Outcome(request, form=form)
        if form.is_valid():
            with outcome:
                target_save(user=request.user, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Target saved."))
                return redirect("kpis:targets")
        return _targets_page(
            request, form=form, import_form=TargetImportForm(), status=outcome.status
        )
    return _targets_page(request, form=form, import_form=TargetImportForm(), status=200)


@login_required
def target_edit(request, pk):
    require(request.user, "kpis.targets")
    target = get_object_or_404(Target, pk=pk)
    form = TargetForm(request.POST or None, instance=target)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            target_save(user=request.user, target=target, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Target saved."))
            return redirect("kpis:targets")
    return render(
        request, "kpis/target_form.html", {"form": form, "target": target}, status=outcome.status
    )


@login_required
@require_POST
def target_upload(request):
    """All rows or none: a refused file is shown again with every row's error."""
    require(request.user, "kpis.import_targets")
    form = TargetImportForm(request.POST, request.FILES)
    outcome = Outcome(request, form=form)
    if form.is_valid():
        with outcome:
            count = target_import(user=request.user, raw=form.cleaned_data["file"].read())
        if outcome.ok:
            messages.success(request, _("%(n)d targets imported.") % {"n": count})
            return redirect("kpis:targets")
    return _targets_page(request, form=TargetForm(), import_form=form, status=outcome.status)


@login_required
@require_POST
def rate_handoff(request, app_label, model_name, pk):
    """One click on a record page; a refused rating is shown on that page with its status."""
    record = get_visible_or_404(app_label, model_name, pk, request.user)
    with Outcome(request) as outcome:
        handoff_rate(
            user=request.user,
            record=record,
            handoff=request.POST.get("handoff", ""),
            score=request.POST.get("score"),
        )
    if not outcome.ok:
        return reshow(request, record_url_for(record), outcome.status)
    messages.success(request, _("Thank you: your rating of this hand-off is saved."))
    back = request.POST.get("next") or record_url_for(record)
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = record_url_for(record)
    return redirect(back)


def record_url_for(record) -> str:
    from django.contrib.contenttypes.models import ContentType

    return record_url(ContentType.objects.get_for_model(record), record.pk) or "/"
