from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from customfields.filters import search_q as custom_search_q
from listviews.lists import open_list
from ltc.errors import Outcome
from ltc.exports import export_page
from ltc.paging import CappedPaginator

from . import selectors, services
from .exports import PRODUCTS
from .forms import ProductFilterForm, ProductForm
from .listing import PRODUCT_LIST
from .models import Product


@login_required
def product_list(request):
    listing = open_list(request, PRODUCT_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = ProductFilterForm(request.GET or None, user=request.user)
    qs = selectors.product_list(user=request.user)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(
                Q(code__icontains=q)
                | Q(name__icontains=q)
                | custom_search_q(Product, request.user, q)
            )
        if form.cleaned_data["active"] is not None:
            qs = qs.filter(active=form.cleaned_data["active"])
    qs = form.filter_custom(qs)
    qs = listing.sorted(qs)
    if download := export_page(request, PRODUCTS, qs):
        return download
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/product_list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
            "can_create": selectors.product_can_edit(user=request.user),
        },
    )


@login_required
def product_detail(request, pk):
    product = get_object_or_404(selectors.product_list(user=request.user), pk=pk)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "can_edit": selectors.product_can_edit(user=request.user),
        },
    )


@login_required
def product_edit(request, pk=None):
    if not selectors.product_can_edit(user=request.user):
        raise PermissionDenied
    product = get_object_or_404(selectors.product_list(user=request.user), pk=pk) if pk else None
    form = ProductForm(request.POST or None, instance=product, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            product = services.product_save(user=request.user, product=product, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Product saved."))
            return redirect(product)
    return render(
        request,
        "catalog/product_form.html",
        {"form": form, "product": product},
        status=outcome.status,
    )
