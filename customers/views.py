from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from activities.forms import ActivityForm
from activities.selectors import record_activities
from customfields.filters import search_q as custom_search_q
from listviews.lists import open_list
from ltc.duplicates import duplicates_of
from ltc.errors import Outcome
from ltc.exports import export_page
from ltc.paging import CappedPaginator
from ltc.searchtext import search_q
from roles.policies import can

from . import selectors, services
from .exports import ACCOUNTS, CONTACTS
from .forms import AccountFilterForm, AccountForm, ContactFilterForm, ContactForm, MergeForm
from .listing import ACCOUNT_LIST, CONTACT_LIST
from .models import Account, Contact

PAGE_SIZE = 25


@login_required
def account_list(request):
    listing = open_list(request, ACCOUNT_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = AccountFilterForm(request.GET or None, user=request.user)
    qs = selectors.account_list(user=request.user)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            # name, tax ID, email, phone; and the text custom fields the user may see
            qs = qs.filter(search_q(q, Account) | custom_search_q(Account, request.user, q))
        if form.cleaned_data["industry"]:
            qs = qs.filter(industry=form.cleaned_data["industry"])
    qs = form.filter_custom(qs)
    qs = listing.sorted(qs)
    if download := export_page(request, ACCOUNTS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/account_list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
            "can_create": selectors.account_can_edit(user=request.user),
        },
    )


@login_required
def account_detail(request, pk):
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    return render(
        request,
        "customers/account_detail.html",
        {
            "account": account,
            "contacts": account.contacts.all(),
            "activities": record_activities(account),
            "activity_form": ActivityForm(),
            "summary": selectors.account_summary(account=account, user=request.user),
            "can_edit": selectors.account_can_edit(user=request.user, account=account),
            "can_merge": can(request.user, "customers.merge"),
        },
    )


@login_required
def account_edit(request, pk=None):
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk) if pk else None
    if not selectors.account_can_edit(user=request.user, account=account):
        raise PermissionDenied
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_duplicate", False)
        with outcome:
            account = services.account_save(
                user=request.user,
                account=account,
                confirm_duplicate=True if account else confirmed,
                **data,
            )
        if outcome.ok:
            messages.success(request, _("Account saved."))
            return redirect(account)
    return render(
        request,
        "customers/account_form.html",
        {"form": form, "account": account, "duplicates": duplicates_of(outcome)},
        status=outcome.status,
    )


@login_required
def contact_list(request):
    listing = open_list(request, CONTACT_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = ContactFilterForm(request.GET or None, user=request.user)
    qs = selectors.contact_list(user=request.user)
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        qs = qs.filter(selectors.contact_matching(q) | custom_search_q(Contact, request.user, q))
    qs = form.filter_custom(qs)
    qs = listing.sorted(qs)
    if download := export_page(request, CONTACTS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/contact_list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
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
            "can_merge": can(request.user, "customers.merge"),
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
    form = ContactForm(
        request.POST or None,
        instance=contact,
        accounts=accounts,
        initial=initial,
        user=request.user,
    )
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            contact = services.contact_save(user=request.user, contact=contact, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Contact saved."))
            return redirect(contact)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "contact": contact},
        status=outcome.status,
    )


@login_required
def merge(request, kind: str, pk: int):
    """Merge a duplicate into this account or contact (managers): the page lists the likely
    duplicates (same name, email or phone) and takes any other by its number."""
    if not can(request.user, "customers.merge"):
        raise PermissionDenied
    model = Account if kind == "account" else Contact
    target = get_object_or_404(model, pk=pk)
    form = MergeForm(request.POST or None)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        source = model.objects.filter(pk=form.cleaned_data["source"]).first()
        if source is None:
            form.add_error("source", _("There is no such record."))
        else:
            with outcome:
                services.merge_records(user=request.user, source=source, target=target)
            if outcome.ok:
                messages.success(
                    request,
                    _("%(source)s merged into %(target)s.") % {"source": source, "target": target},
                )
                return redirect(target)
    candidates = selectors.merge_candidates(record=target, user=request.user)
    return render(
        request,
        "customers/merge.html",
        {"form": form, "target": target, "kind": kind, "candidates": candidates},
        status=400 if form.errors and outcome.ok else outcome.status,
    )
