"""Contract pages: list, detail (transitions, plan, sign-offs, history, activities, the chain
back to the deal and forward to the order), editing a draft, the payment plan, amendments and
attachments. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.forms import ActivityForm
from activities.selectors import record_activities
from company.documents import document_language
from customfields.filters import search_q as custom_search_q
from listviews.lists import open_list
from ltc.errors import Outcome, form_labels, report_form
from ltc.exports import export_page
from ltc.paging import CappedPaginator, filter_by_account
from ltc.selectors import record_history
from ltc.transitions import transitions_for
from roles.permissions import has_role
from roles.policies import can

from . import services
from .exports import CONTRACTS
from .forms import AttachmentForm, ContractFilterForm, ContractForm, MilestoneFormSet
from .listing import CONTRACT_LIST
from .models import Contract, ContractLine, ContractSignOff, PaymentMilestone
from .selectors import contract_list

PAGE_SIZE = 25
ROLES = ("sales", "sales_support", "operations", "finance", "manager")


def _get(request, pk):
    qs = contract_list(user=request.user).prefetch_related(
        "signatories",
        Prefetch("lines", queryset=ContractLine.objects.select_related("product")),
        Prefetch("milestones", queryset=PaymentMilestone.objects.order_by("position", "pk")),
        Prefetch("sign_offs", queryset=ContractSignOff.objects.select_related("user")),
        "attachments",
    )
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def contract_pdf(request, pk):
    """The contract as a PDF in `?lang=` (zh-hans or en), for whoever may see the contract."""
    from .documents import contract_pdf as render_pdf

    contract = _get(request, pk)
    response = HttpResponse(
        render_pdf(contract, language=document_language(request)), content_type="application/pdf"
    )
    name = contract.number or f"contract-{contract.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}-v{contract.version}.pdf"'
    return response


@login_required
def contract_list_view(request):
    if not has_role(request.user, *ROLES):
        raise PermissionDenied
    listing = open_list(request, CONTRACT_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = ContractFilterForm(request.GET or None, user=request.user)
    qs = filter_by_account(request, contract_list(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(number__icontains=q)
                | Q(account__name__icontains=q)
                | Q(opportunity__name__icontains=q)
                | custom_search_q(Contract, request.user, q)
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
    qs = form.filter_custom(qs)
    qs = listing.sorted(qs)
    if download := export_page(request, CONTRACTS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "contracts/list.html", {"page": page, "filter_form": form, "listing": listing}
    )


@login_required
def contract_detail(request, pk, *, edit_form=None, plan_formset=None):
    contract = _get(request, pk)
    can_edit = contract.is_editable and services.contract_can_edit(
        user=request.user, contract=contract
    )
    milestones = list(contract.milestones.all())
    planned = sum((m.amount for m in milestones), 0)
    approved = {
        s.role
        for s in contract.sign_offs.all()
        if s.decision == "approved" and s.review_round == contract.review_round
    }
    if can_edit:
        edit_form = edit_form or ContractForm(instance=contract, user=request.user)
        plan_formset = plan_formset or MilestoneFormSet(
            prefix="plan",
            initial=[
                {
                    "name": m.name,
                    "percentage": m.percentage,
                    "amount": None if m.percentage is not None else m.amount,
                    "trigger": m.trigger,
                    "due_date": m.due_date,
                    "payment_terms_days": m.payment_terms_days,
                }
                for m in milestones
            ],
        )
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "milestones": milestones,
            "planned_total": planned,
            "plan_difference": contract.total - planned,
            "required_sign_offs": contract.required_sign_offs()
            if contract.status == "in_review"
            else [],
            "approved_roles": approved,
            "orders": contract.orders.all() if hasattr(contract, "orders") else [],
            "versions": contract_list(user=request.user)
            .filter(number=contract.number)
            .exclude(pk=contract.pk)
            .order_by("version"),
            "transitions": [t for t in transitions_for(contract, request.user) if t["allowed"]],
            "history": record_history(contract),
            "activities": record_activities(contract),
            "activity_form": ActivityForm(),
            "can_edit": can_edit,
            "edit_form": edit_form,
            "plan_formset": plan_formset,
            "can_amend": contract.is_live
            and services.contract_can_edit(user=request.user, contract=contract),
            "can_attach": contract.status not in ("completed", "terminated")
            and can(request.user, "contracts.attach", contract),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
@require_POST
def contract_edit(request, pk):
    contract = _get(request, pk)
    form = ContractForm(request.POST, instance=contract, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        with Outcome(request, form=form) as outcome:
            services.contract_update(
                contract=contract,
                user=request.user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                terms=data["terms"],
                signatories=list(data["signatories"]),
            )
        if outcome.ok:
            messages.success(request, _("Contract saved."))
            return redirect(contract)
        status = outcome.status
    else:
        status = 400
    response = contract_detail(request, pk, edit_form=form)
    response.status_code = status
    return response


@login_required
@require_POST
def contract_plan(request, pk):
    contract = _get(request, pk)
    formset = MilestoneFormSet(request.POST, prefix="plan")
    if formset.is_valid():
        rows = [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in formset.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and (
                f.cleaned_data.get("percentage") is not None
                or f.cleaned_data.get("amount") is not None
                or f.cleaned_data.get("name")
            )
        ]
        with Outcome(request) as outcome:
            services.contract_set_payment_plan(
                contract=contract, user=request.user, milestones=rows
            )
        if outcome.ok:
            messages.success(request, _("Payment plan saved."))
            return redirect(contract)
        status = outcome.status
    else:
        status = 400
    response = contract_detail(request, pk, plan_formset=formset)
    response.status_code = status
    return response


@login_required
@require_POST
def contract_amend(request, pk):
    contract = _get(request, pk)
    with Outcome(request) as outcome:
        new = services.contract_amend(contract=contract, user=request.user)
    if not outcome.ok:
        return redirect(contract)
    messages.success(request, _("Amendment started: edit it and submit it for review."))
    return redirect(new)


@login_required
@require_POST
def contract_attach(request, pk):
    contract = _get(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with Outcome(request, labels=form_labels(form)) as outcome:
            services.contract_attachment_add(
                contract=contract,
                user=request.user,
                file=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
            )
        if outcome.ok:
            messages.success(request, _("File attached."))
    else:
        report_form(request, form)
    return redirect(contract)


@login_required
def contract_attachment(request, pk, attachment_pk):
    """Download an attachment of a contract the user may see."""
    contract = _get(request, pk)
    try:
        attachment = contract.attachments.get(pk=attachment_pk)
    except contract.attachments.model.DoesNotExist as exc:
        raise Http404 from exc
    name = attachment.file.name.rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
