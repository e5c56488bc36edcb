"""Opportunity and quote pages: list (+ CSV), pipeline board (drag to move), detail with the
team, quote document page with lines and sign-offs, forecast. Thin: reads through selectors,
writes through services; transitions go through ltc.views.transition (and the board's move)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.forms import ActivityForm
from activities.selectors import record_activities
from company.documents import document_language
from customfields.filters import search_q as custom_search_q
from listviews.lists import open_list
from ltc.errors import REFUSALS, Outcome, plain, transition_labels
from ltc.exports import export_page
from ltc.money import money
from ltc.paging import CappedPaginator, filter_by_account
from ltc.selectors import record_history
from ltc.transitions import (
    run,
    transition_specs,
    transitions_for,
)
from roles.permissions import has_role
from roles.policies import can

from . import services
from .exports import OPPORTUNITIES
from .forms import (
    LostReasonForm,
    OpportunityFilterForm,
    OpportunityForm,
    QuoteForm,
    QuoteLineForm,
    TeamForm,
)
from .listing import OPPORTUNITY_LIST
from .models import (
    OPEN_STAGES,
    LostReason,
    Opportunity,
    Quote,
    QuoteLine,
    QuoteSignOff,
    Stage,
)
from .selectors import (
    forecast,
    opportunity_can_edit,
    opportunity_filter,
    opportunity_list,
    quote_list,
)

PAGE_SIZE = 25
BOARD_LIMIT = 300
ROLES = ("sales", "sales_support", "operations", "manager")


def _check_role(user):
    if not has_role(user, *ROLES):
        raise PermissionDenied


def _filtered(request):
    form = OpportunityFilterForm(request.GET or None, user=request.user)
    qs = filter_by_account(request, opportunity_list(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(name__icontains=q)
                | Q(account__name__icontains=q)
                | custom_search_q(Opportunity, request.user, q)
            )
        if data["stage"]:
            qs = qs.filter(stage=data["stage"])
        qs = opportunity_filter(
            qs, owner=data["owner"], team=data["team"], close_month=data["close_month"] or None
        )
    qs = form.filter_custom(qs)
    return form, qs


@login_required
def opportunity_list_view(request):
    _check_role(request.user)
    listing = open_list(request, OPPORTUNITY_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form, qs = _filtered(request)
    qs = listing.sorted(qs)
    if download := export_page(request, OPPORTUNITIES, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/list.html",
        {"page": page, "filter_form": form, "listing": listing},
    )


# --- the pipeline board -------------------------------------------------------------------------
@login_required
def board(request):
    _check_role(request.user)
    form, qs = _filtered(request)
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / Decimal(100),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    totals = (
        qs.order_by()
        .values("stage", "currency")
        .annotate(n=Count("pk"), sum_amount=Sum("amount"), sum_weighted=Sum(weighted))
    )
    by_stage: dict[str, list] = {}
    counts: dict[str, int] = {}
    for row in totals:
        by_stage.setdefault(row["stage"], []).append(
            {
                "currency": row["currency"],
                "amount": money(row["sum_amount"] or 0),
                "weighted": money(row["sum_weighted"] or 0),
            }
        )
        counts[row["stage"]] = counts.get(row["stage"], 0) + row["n"]
    cards = list(
        qs.filter(stage__in=OPEN_STAGES).order_by("expected_close_date", "pk")[:BOARD_LIMIT]
    )
    columns = []
    for stage in Stage:
        columns.append(
            {
                "stage": stage,
                "label": stage.label,
                "open": stage in OPEN_STAGES,
                "cards": [c for c in cards if c.stage == stage],
                "count": counts.get(stage.value, 0),
                "totals": sorted(by_stage.get(stage.value, []), key=lambda t: t["currency"]),
            }
        )
    return render(
        request,
        "opportunities/board.html",
        {
            "columns": columns,
            "filter_form": form,
            "truncated": len(cards) >= BOARD_LIMIT,
        },
    )


def _transition_between(source: str, target: str) -> str | None:
    for spec in transition_specs(Opportunity):
        if spec.target_from(source) == target:
            return spec.name
    return None


@login_required
@require_POST
def board_move(request, pk):
    """A card dropped on another column: run the transition that leads there. A move the user
    may not make is refused with the reason (the page puts the card back)."""
    try:
        opportunity = opportunity_list(user=request.user).get(pk=pk)
    except Opportunity.DoesNotExist as exc:
        raise Http404 from exc
    target = request.POST.get("stage", "")
    if target == opportunity.stage:
        return HttpResponse(status=204)
    name = _transition_between(opportunity.stage, target)
    if name is None:
        message = _("There is no move from %(source)s to %(target)s.") % {
            "source": opportunity.get_stage_display(),
            "target": dict(Stage.choices).get(target, target),
        }
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    try:
        run(obj=opportunity, name=name, user=request.user, data=request.POST)
    except REFUSALS as exc:
        return plain(exc, transition_labels(opportunity, name))
    return HttpResponse(status=204)


# --- opportunity pages -------------------------------------------------------------------------
def _get(request, pk) -> Opportunity:
    try:
        return opportunity_list(user=request.user).get(pk=pk)
    except Opportunity.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def opportunity_detail(request, pk, *, team_form=None):
    opportunity = _get(request, pk)
    quotes = (
        quote_list(user=request.user).filter(opportunity=opportunity).order_by("-version", "-pk")
    )
    return render(
        request,
        "opportunities/detail.html",
        {
            "opportunity": opportunity,
            "quotes": quotes,
            "transitions": [t for t in transitions_for(opportunity, request.user) if t["allowed"]],
            "history": record_history(opportunity),
            "activities": record_activities(opportunity),
            "activity_form": ActivityForm(),
            "can_edit": opportunity_can_edit(user=request.user, opportunity=opportunity),
            "can_assign": can(request.user, "opportunities.assign_team", opportunity),
            "can_quote": opportunity.is_open
            and services.quote_can_edit(user=request.user, opportunity=opportunity),
            "team_form": team_form
            or TeamForm(
                initial={
                    "owner": opportunity.owner_id,
                    "solution_owner": opportunity.solution_owner_id,
                    "fulfilment_owner": opportunity.fulfilment_owner_id,
                }
            ),
        },
    )


@login_required
def opportunity_create(request):
    if not can(request.user, "opportunities.create"):
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            opportunity = services.opportunity_create(user=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Opportunity created."))
            return redirect(opportunity)
    return render(request, "opportunities/form.html", {"form": form}, status=outcome.status)


@login_required
def opportunity_edit(request, pk):
    opportunity = _get(request, pk)
    if not opportunity_can_edit(user=request.user, opportunity=opportunity):
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            services.opportunity_update(
                opportunity=opportunity, user=request.user, **form.cleaned_data
            )
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(opportunity)
    return render(
        request,
        "opportunities/form.html",
        {"form": form, "opportunity": opportunity},
        status=outcome.status,
    )


@login_required
@require_POST
def opportunity_team(request, pk):
    opportunity = _get(request, pk)
    form = TeamForm(request.POST)
    outcome = Outcome(request, form=form)
    if form.is_valid():
        with outcome:
            services.opportunity_assign_team(
                opportunity=opportunity, user=request.user, **form.cleaned_data
            )
        if outcome.ok:
            messages.success(request, _("Team saved."))
            return redirect(opportunity)
    response = opportunity_detail(request, pk, team_form=form)
    response.status_code = outcome.status
    return response


# --- quotes ------------------------------------------------------------------------------------
@login_required
@require_POST
def quote_create(request, pk):
    opportunity = _get(request, pk)
    with Outcome(request) as outcome:
        quote = services.quote_create(opportunity=opportunity, user=request.user)
    return redirect(quote if outcome.ok else opportunity)


def _get_quote(request, pk) -> Quote:
    qs = quote_list(user=request.user).prefetch_related(
        Prefetch("lines", queryset=QuoteLine.objects.select_related("product")),
        Prefetch("sign_offs", queryset=QuoteSignOff.objects.select_related("user")),
    )
    try:
        return qs.select_related("opportunity__contact", "revised_from").get(pk=pk)
    except Quote.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def quote_detail(request, pk, *, line_form=None, quote_form=None):
    quote = _get_quote(request, pk)
    if request.GET.get("format") == "pdf":
        from .documents import quote_filename, quote_pdf

        pdf = quote_pdf(quote, language=document_language(request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{quote_filename(quote)}"'
        return response
    if request.GET.get("print") == "1":
        from .documents import quote_context

        # The printable page in the document's language, whatever the UI language.
        with translation.override(document_language(request)):
            context = {**quote_context(quote), "pdf": False}
            return render(request, "opportunities/quote_print.html", context)
    writer = services.quote_can_edit(user=request.user, opportunity=quote.opportunity)
    can_edit = quote.is_editable and writer
    if quote_form is None and writer and quote.custom_editable:
        quote_form = QuoteForm(quote=quote, terms=can_edit, user=request.user)
    if quote_form is not None and not (can_edit or quote_form.custom_field_names):
        quote_form = None  # past the draft, nothing left to change for this user
    can_revise = quote.can_revise and writer
    signed = {s.role: s for s in quote.sign_offs.all() if s.decision == "approved"}
    return render(
        request,
        "opportunities/quote_detail.html",
        {
            "quote": quote,
            "opportunity": quote.opportunity,
            "lines": list(quote.lines.all()),
            "sign_offs": list(quote.sign_offs.all()),
            "required": [(role, signed.get(role)) for role in quote.required_sign_offs()],
            "transitions": [t for t in transitions_for(quote, request.user) if t["allowed"]],
            "history": record_history(quote),
            "can_edit": can_edit,
            "can_revise": can_revise,
            "next_step": services.quote_next_step(quote=quote, user=request.user),
            "line_form": line_form or QuoteLineForm(currency=quote.currency, user=request.user),
            "quote_form": quote_form,
            "versions": quote_list(user=request.user)
            .filter(opportunity=quote.opportunity_id)
            .exclude(pk=quote.pk)
            .order_by("version"),
        },
    )


@login_required
@require_POST
def quote_edit(request, pk):
    quote = _get_quote(request, pk)
    if not services.quote_can_edit(user=request.user, opportunity=quote.opportunity):
        raise PermissionDenied
    form = QuoteForm(request.POST, quote=quote, terms=quote.is_editable, user=request.user)
    outcome = Outcome(request, form=form)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        with outcome:
            services.quote_update(quote=quote, user=request.user, **data)
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(quote)
    response = quote_detail(request, pk, quote_form=form)
    response.status_code = outcome.status
    return response


@login_required
@require_POST
def quote_line_add(request, pk):
    quote = _get_quote(request, pk)
    form = QuoteLineForm(request.POST, currency=quote.currency, user=request.user)
    outcome = Outcome(request, form=form)
    if form.is_valid():
        with outcome:
            services.quote_line_add(quote=quote, user=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Line added."))
            return redirect(quote)
    response = quote_detail(request, pk, line_form=form)
    response.status_code = outcome.status
    return response


@login_required
@require_POST
def quote_line_remove(request, pk, line_pk):
    quote = _get_quote(request, pk)
    line = next((x for x in quote.lines.all() if x.pk == line_pk), None)
    if line is None:
        raise Http404
    with Outcome(request):
        services.quote_line_remove(line=line, user=request.user)
    return redirect(quote)


@login_required
@require_POST
def quote_revise(request, pk):
    quote = _get_quote(request, pk)
    with Outcome(request) as outcome:
        new = services.quote_revise(quote=quote, user=request.user)
    if not outcome.ok:
        return redirect(quote)
    messages.success(request, _("New version %(quote)s made.") % {"quote": new})
    return redirect(new)


# --- forecast ----------------------------------------------------------------------------------
@login_required
def forecast_view(request):
    _check_role(request.user)
    form = OpportunityFilterForm(request.GET or None, user=request.user)
    owner = team = None
    if form.is_valid():
        owner, team = form.cleaned_data["owner"], form.cleaned_data["team"]
    rows = forecast(user=request.user, owner=owner, team=team)
    totals: dict[str, dict] = {}
    for row in rows:
        t = totals.setdefault(row["currency"], {"amount": Decimal("0"), "weighted": Decimal("0")})
        t["amount"] += row["amount"]
        t["weighted"] += row["weighted"]
    peak = max((r["weighted"] for r in rows), default=Decimal("0")) or Decimal("1")
    for row in rows:
        row["bar"] = int(row["weighted"] * 100 / peak)
    return render(
        request,
        "opportunities/forecast.html",
        {"rows": rows, "totals": sorted(totals.items()), "filter_form": form},
    )


# --- lost reasons: the managers' list ---------------------------------------------------------
@login_required
def lost_reasons(request):
    """Every lost reason, retired ones too (deals lost for them still show them); a manager
    adds one, or renames, reorders, retires or restores one."""
    if not can(request.user, "opportunities.lost_reasons"):
        raise PermissionDenied(_("Only a manager maintains the lost reasons."))
    reasons = list(LostReason.objects.order_by("-active", "position", "name"))
    forms = {r.pk: LostReasonForm(instance=r, prefix=f"reason-{r.pk}") for r in reasons}
    new_form = LostReasonForm(prefix="reason-new", initial={"active": True})
    bound = None
    if request.method == "POST":
        target = request.POST.get("reason", "new")
        if target == "new":
            bound = new_form = LostReasonForm(request.POST, prefix="reason-new")
            reason = None
        else:
            reason = next((r for r in reasons if str(r.pk) == target), None)
            if reason is None:
                raise Http404
            bound = forms[reason.pk] = LostReasonForm(
                request.POST,
                instance=LostReason.objects.get(pk=reason.pk),
                prefix=f"reason-{reason.pk}",
            )
        if bound.is_valid():
            services.lost_reason_save(
                user=request.user,
                reason=reason,
                name=bound.cleaned_data["name"],
                position=bound.cleaned_data["position"],
                active=bound.cleaned_data["active"],
            )
            messages.success(request, _("Lost reasons saved."))
            return redirect("opportunities:lost-reasons")
    return render(
        request,
        "opportunities/lost_reasons.html",
        {"rows": [(r, forms[r.pk]) for r in reasons], "new_form": new_form},
        status=400 if bound is not None and bound.errors else 200,
    )
