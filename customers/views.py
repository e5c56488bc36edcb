from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ltc import records
from ltc.forms import ActivityForm
from ltc.paging import CappedPaginator
from ltc.selectors import record_activities

from . import selectors, services
from .forms import AccountFilterForm, AccountForm, ContactFilterForm, ContactForm

PAGE_SIZE = 25


@login_required
def account_list(request):
    form = AccountFilterForm(request.GET or None)
    qs = selectors.account_list(user=request.user)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q))
        if form.cleaned_data["industry"]:
            qs = qs.filter(industry=form.cleaned_data["industry"])
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/account_list.html",
        {
            "page": page,
            "filter_form": form,
            "can_create": selectors.account_can_edit(user=request.user),
        },
    )


def _visible_leads(user, account, limit=20):
    """The account's leads that this user may see (through the stage's registered selector,
    so the base does not import the leads app)."""
    try:
        lead_model = apps.get_model("leads", "Lead")
        qs = records.visible(lead_model, user)
    except (LookupError, Http404):
        return []
    return list(qs.filter(account=account).select_related("owner")[:limit])


@login_required
def account_detail(request, pk):
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    return render(
        request,
        "customers/account_detail.html",
        {
            "account": account,
            "contacts": account.contacts.all(),
            "leads": _visible_leads(request.user, account),
            "activities": record_activities(account),
            "activity_form": ActivityForm(),
            "can_edit": selectors.account_can_edit(user=request.user, account=account),
        },
    )


@login_required
def account_edit(request, pk=None):
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk) if pk else None
    if not selectors.account_can_edit(user=request.user, account=account):
        raise PermissionDenied
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_save(user=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Account saved."))
            return redirect(account)
    return render(
        request,
        "customers/account_form.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@login_required
def contact_list(request):
    form = ContactFilterForm(request.GET or None)
    qs = selectors.contact_list(user=request.user)
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(email__icontains=q)
            | Q(phone__icontains=q)
            | Q(account__name__icontains=q)
        )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/contact_list.html",
        {
            "page": page,
            "filter_form": form,
            "can_create": selectors.account_can_edit(user=request.user),
        },
    )


@login_required
def contact_detail(request, pk):
    contact = get_object_or_404(selectors.contact_list(user=request.user), pk=pk)
    return render(
        request,
        "customers/contact_detail.html",
        {
            "contact": contact,
            "activities": record_activities(contact),
            "activity_form": ActivityForm(),
            "can_edit": selectors.account_can_edit(user=request.user, account=contact.account),
        },
    )


@login_required
def contact_edit(request, pk=None):
    contact = get_object_or_404(selectors.contact_list(user=request.user), pk=pk) if pk else None
    if not selectors.account_can_edit(
        user=request.user, account=contact.account if contact else None
    ):
        raise PermissionDenied
    accounts = selectors.account_list(user=request.user)
    initial = {"account": request.GET.get("account")} if not contact else None
    form = ContactForm(request.POST or None, instance=contact, accounts=accounts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_save(user=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(contact)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "contact": contact},
        status=400 if form.errors else 200,
    )
