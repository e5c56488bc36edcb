"""Billing pages: invoices (list, detail with transitions, new), payment entry, bank
reconciliation review, AR aging with DSO, PDFs. Thin: reads through billing.selectors,
writes through billing.services / billing.bank."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from company.documents import document_language
from customers.models import Account
from listviews.lists import open_list
from ltc.errors import Outcome, form_labels, report_form, reshow
from ltc.exports import export_page
from ltc.paging import CappedPaginator, filter_by_account
from ltc.selectors import record_history
from ltc.transitions import transitions_for
from roles.permissions import has_role
from roles.policies import can

from . import bank, reports, services
from .exports import INVOICES, PAYMENTS
from .forms import (
    AllocateForm,
    CreditNoteForm,
    InvoiceFilterForm,
    InvoiceHeaderForm,
    InvoiceLineFormSet,
    ManualMatchForm,
    PaymentFilterForm,
    PaymentForm,
    StatementUploadForm,
)
from .listing import INVOICE_LIST, PAYMENT_LIST
from .models import (
    OPEN_STATES,
    BankLineMatch,
    BankLineStatus,
    BankStatementLine,
    Invoice,
    PaymentAllocation,
)
from .selectors import INVOICE_STATUS_FIELDS, invoice_list, payment_list, sees_money

PAGE_SIZE = 25


def _need_money(request):
    if not sees_money(request.user):
        raise PermissionDenied


def _need(request, policy: str):
    if not can(request.user, policy):
        raise PermissionDenied


# --- invoices ---------------------------------------------------------------------------------
@login_required
def invoice_list_view(request):
    if not (sees_money(request.user) or has_role(request.user, "sales", "marketing")):
        raise PermissionDenied
    listing = open_list(request, INVOICE_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = InvoiceFilterForm(request.GET or None)
    qs = filter_by_account(request, invoice_list(user=request.user))
    if form.is_valid():
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"].strip()
            qs = qs.filter(
                Q(number__icontains=q) | Q(account__name__icontains=q) | Q(contract__number=q)
            )
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    qs = listing.sorted(qs)
    if download := export_page(request, INVOICES, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/invoice_list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
            "money": sees_money(request.user),
            "is_finance": can(request.user, "billing.invoice"),
        },
    )


@login_required
def invoice_detail(request, pk):
    qs = invoice_list(user=request.user)
    money = sees_money(request.user)
    if money:
        qs = qs.prefetch_related(
            "lines",
            "credit_notes",
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("payment")),
        )
    invoice = get_object_or_404(qs, pk=pk)
    allowed = [t for t in transitions_for(invoice, request.user) if t["allowed"]]
    is_finance = can(request.user, "billing.payment")
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "money": money,
            "transitions": allowed,
            "is_finance": is_finance,
            "can_credit": can(request.user, "billing.credit_note")
            and invoice.status in OPEN_STATES
            and invoice.balance > 0,
            "history": record_history(invoice),
            # Without money fields, the audit shows only the fields the page shows.
            "audit_fields": None if money else INVOICE_STATUS_FIELDS,
            "credit_form": CreditNoteForm(),
        },
    )


@login_required
def invoice_create(request):
    _need(request, "billing.invoice")
    header = InvoiceHeaderForm(
        request.POST or None, initial={"account": request.GET.get("account")}, user=request.user
    )
    lines = InvoiceLineFormSet(request.POST or None, prefix="lines")
    outcome = Outcome(request, form=header)
    if request.method == "POST" and header.is_valid() and lines.is_valid():
        rows = [
            {
                "description": f.cleaned_data["description"],
                "quantity": f.cleaned_data["quantity"] or Decimal("1"),
                "unit_price": f.cleaned_data["unit_price"],
                "tax_rate": f.cleaned_data["tax_rate"] or Decimal("0"),
            }
            for f in lines
            if f.cleaned_data.get("description") and f.cleaned_data.get("unit_price") is not None
        ]
        with outcome:
            invoice = services.invoice_create(
                user=request.user,
                account=header.cleaned_data["account"],
                currency=header.cleaned_data["currency"],
                payment_terms_days=header.cleaned_data["payment_terms_days"],
                notes=header.cleaned_data["notes"],
                lines=rows,
            )
        if outcome.ok:
            messages.success(request, _("Draft invoice created."))
            return redirect(invoice.get_absolute_url())
    status = 400 if outcome.ok and lines.is_bound and not lines.is_valid() else outcome.status
    return render(
        request, "billing/invoice_form.html", {"header": header, "lines": lines}, status=status
    )


@login_required
def invoice_pdf(request, pk):
    _need_money(request)
    from .pdf import invoice_pdf as render_pdf

    invoice = get_object_or_404(invoice_list(user=request.user), pk=pk)
    pdf = render_pdf(invoice, language=document_language(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = invoice.number or f"draft-{invoice.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
@require_POST
def credit_note_create(request, pk):
    _need(request, "billing.credit_note")
    invoice = get_object_or_404(invoice_list(user=request.user), pk=pk)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        report_form(request, form)
        return redirect(invoice.get_absolute_url())
    with Outcome(request, labels=form_labels(form)) as outcome:
        note = services.credit_note_issue(
            invoice=invoice,
            user=request.user,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    if outcome.ok:
        messages.success(request, _("Credit note %(n)s issued.") % {"n": note.number})
    return redirect(invoice.get_absolute_url())


# --- payments ---------------------------------------------------------------------------------
@login_required
def payment_list_view(request):
    _need_money(request)
    listing = open_list(request, PAYMENT_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = PaymentFilterForm(request.GET or None)
    qs = filter_by_account(request, payment_list(user=request.user))
    if form.is_valid() and form.cleaned_data["status"]:
        qs = qs.filter(status=form.cleaned_data["status"])
    qs = listing.sorted(qs)
    if download := export_page(request, PAYMENTS, qs):
        return download
    if "invoices" in listing.keys:
        qs = qs.prefetch_related(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("invoice").order_by("pk"),
            )
        )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/payment_list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
            "is_finance": can(request.user, "billing.payment"),
        },
    )


@login_required
def payment_create(request):
    _need(request, "billing.payment")
    initial = {}
    if request.GET.get("invoice"):
        invoice = Invoice.objects.filter(pk=request.GET["invoice"]).first()
        if invoice is not None:
            initial = {
                "invoice": invoice.pk,
                "account": invoice.account_id,
                "currency": invoice.currency,
                "amount": invoice.balance,
            }
    form = PaymentForm(request.POST or None, initial=initial, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        allocations = []
        if data["invoice"] is not None:
            amount = data["allocate"] or min(data["amount"], data["invoice"].balance)
            allocations = [{"invoice": data["invoice"].pk, "amount": amount}]
        with outcome:
            payment = services.payment_record(
                user=request.user,
                account=data["account"],
                amount=data["amount"],
                currency=data["currency"],
                date=data["date"],
                method=data["method"],
                reference=data["reference"],
                notes=data["notes"],
                allocations=allocations,
            )
        if outcome.ok:
            messages.success(request, _("Payment recorded."))
            return redirect(payment.get_absolute_url())
    return render(request, "billing/payment_form.html", {"form": form}, status=outcome.status)


@login_required
def payment_detail(request, pk):
    _need_money(request)
    qs = payment_list(user=request.user).prefetch_related(
        Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice"))
    )
    payment = get_object_or_404(qs, pk=pk)
    open_invoices = []
    if payment.unallocated > 0 and can(request.user, "billing.payment"):
        open_invoices = Invoice.objects.filter(
            account_id=payment.account_id,
            currency=payment.currency,
            status__in=OPEN_STATES,
            balance__gt=0,
        ).order_by("due_date", "pk")
    return render(
        request,
        "billing/payment_detail.html",
        {
            "payment": payment,
            "transitions": [t for t in transitions_for(payment, request.user) if t["allowed"]],
            "open_invoices": open_invoices,
            "history": record_history(payment),
        },
    )


@login_required
@require_POST
def payment_allocate(request, pk):
    _need(request, "billing.payment")
    payment = get_object_or_404(payment_list(user=request.user), pk=pk)
    form = AllocateForm(request.POST)
    if form.is_valid():
        with Outcome(request, labels=form_labels(form)) as outcome:
            services.payment_allocate(
                payment=payment,
                user=request.user,
                allocations=[
                    {"invoice": form.cleaned_data["invoice"], "amount": form.cleaned_data["amount"]}
                ],
            )
        if outcome.ok:
            messages.success(request, _("Payment applied."))
    else:
        messages.error(request, _("Enter an amount."))
    return redirect(payment.get_absolute_url())


# --- bank reconciliation ----------------------------------------------------------------------
@login_required
def bank_review(request):
    _need_money(request)
    upload = StatementUploadForm()
    outcome = Outcome(request, form=upload)
    if request.method == "POST":
        _need(request, "billing.reconcile")
        upload = StatementUploadForm(request.POST, request.FILES)
        outcome = Outcome(request, form=upload)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            with outcome:
                statement = bank.statement_import(
                    user=request.user,
                    content=file.read(),
                    currency=upload.cleaned_data["currency"],
                    name=file.name,
                )
            if outcome.ok:
                messages.success(
                    request,
                    _("Imported %(n)s lines.") % {"n": statement.lines.count()},
                )
                return redirect("billing:bank-review")
    lines = (
        BankStatementLine.objects.filter(
            status__in=[BankLineStatus.UNMATCHED, BankLineStatus.SUGGESTED]
        )
        .select_related("statement")
        .prefetch_related(
            Prefetch(
                "matches",
                queryset=BankLineMatch.objects.select_related("invoice", "payment"),
            )
        )
        .order_by("date", "pk")
    )
    page = CappedPaginator(lines, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/bank_review.html",
        {
            "page": page,
            "upload": upload,
            "manual": ManualMatchForm(),
            "is_finance": can(request.user, "billing.reconcile"),
        },
        status=outcome.status,
    )


@login_required
@require_POST
def bank_line_action(request, pk, action):
    _need(request, "billing.reconcile")
    line = get_object_or_404(BankStatementLine, pk=pk)
    with Outcome(request) as outcome:
        if action == "confirm":
            bank.line_confirm(line=line, user=request.user)
        elif action == "ignore":
            bank.line_ignore(line=line, user=request.user)
        elif action == "match":
            form = ManualMatchForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"amount": _("Enter an invoice number and an amount.")})
            invoice = Invoice.objects.filter(
                number__iexact=form.cleaned_data["invoice_number"].strip()
            ).first()
            if invoice is None:
                raise ValidationError({"invoice_number": _("No invoice with that number.")})
            bank.line_confirm(
                line=line,
                user=request.user,
                matches=[{"invoice": invoice.pk, "amount": form.cleaned_data["amount"]}],
            )
        else:
            raise Http404
    if outcome.ok:
        messages.success(request, _("Done."))
    return redirect("billing:bank-review")


# --- reports ----------------------------------------------------------------------------------
@login_required
def aging_report(request):
    _need_money(request)
    return render(
        request,
        "billing/aging.html",
        {"aging": reports.ar_aging(), "dso": reports.dso()},
    )


@login_required
def statement_pdf(request, account_pk):
    _need_money(request)
    from .pdf import statement_pdf as render_pdf

    account = get_object_or_404(Account, pk=account_pk)
    pdf = render_pdf(account, language=document_language(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{account.pk}.pdf"'
    return response


@login_required
@require_POST
def milestone_invoice(request, pk):
    """Finance raises the invoice of one payment milestone from the contract page; it counts
    against the milestone. A refusal re-shows the contract page with the reason."""
    from contracts.models import PaymentMilestone

    _need(request, "billing.invoice")
    milestone = get_object_or_404(PaymentMilestone.objects.select_related("contract"), pk=pk)
    with Outcome(request) as outcome:
        invoice = services.invoice_raise_for_milestone(milestone=milestone, user=request.user)
    if not outcome.ok:
        return reshow(request, milestone.contract.get_absolute_url(), outcome.status)
    messages.success(
        request, _("Draft invoice raised for milestone “%(name)s”.") % {"name": milestone.name}
    )
    return redirect(invoice.get_absolute_url())
