"""Order pages: list, operations' queue, detail (lines shipped/remaining, shipments,
transitions, history, activities) and recording a shipment. Thin: selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.forms import ActivityForm
from activities.selectors import record_activities
from customfields.filters import search_q as custom_search_q
from customfields.selectors import editable_definitions
from listviews.lists import Listing, open_list
from ltc.errors import Outcome
from ltc.exports import export_page
from ltc.paging import CappedPaginator, filter_by_account
from ltc.selectors import record_history
from ltc.transitions import transitions_for
from roles.permissions import has_role
from roles.policies import can

from . import services
from .exports import ORDERS
from .forms import OrderCustomFieldsForm, OrderFilterForm, ShipmentForm
from .listing import ORDER_LIST
from .models import Order, OrderLine, OrderStatus, Shipment, ShipmentLine
from .selectors import operations_queue, order_list

PAGE_SIZE = 25


def _get(request, pk):
    qs = order_list(user=request.user).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
        Prefetch(
            "shipments",
            queryset=Shipment.objects.select_related("created_by").prefetch_related(
                Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line"))
            ),
        ),
    )
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def order_list_view(request):
    if not has_role(request.user, "sales", "operations", "service", "manager"):
        raise PermissionDenied
    listing = open_list(request, ORDER_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form = OrderFilterForm(request.GET or None, user=request.user)
    qs = filter_by_account(request, order_list(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(number__icontains=q)
                | Q(account__name__icontains=q)
                | Q(contract__number__icontains=q)
                | custom_search_q(Order, request.user, q)
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
    qs = form.filter_custom(qs)
    qs = listing.sorted(qs)
    if download := export_page(request, ORDERS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
            "title": _("Orders"),
            "queue": False,
        },
    )


@login_required
def operations_queue_view(request):
    """Orders waiting on operations (to start, to ship, to deliver), oldest first."""
    if not has_role(request.user, "operations", "manager"):
        raise PermissionDenied
    # The queue shows the order list's columns (chosen with ?cols=), in its own order.
    listing = Listing(request, ORDER_LIST)
    page = CappedPaginator(operations_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/list.html",
        {"page": page, "listing": listing, "title": _("Operations queue"), "queue": True},
    )


@login_required
def order_detail(request, pk, *, shipment_form=None):
    order = _get(request, pk)
    lines = list(order.lines.all())
    can_ship = order.status == OrderStatus.IN_FULFILLMENT and can(request.user, "orders.ship")
    if can_ship and shipment_form is None:
        shipment_form = ShipmentForm(order_lines=[line for line in lines if line.remaining > 0])
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "can_edit_custom": _may_edit_custom(request.user, order),
            "lines": lines,
            "shipments": list(order.shipments.all()),
            "transitions": [t for t in transitions_for(order, request.user) if t["allowed"]],
            "history": record_history(order),
            "activities": record_activities(order),
            "activity_form": ActivityForm(),
            "can_ship": can_ship,
            "shipment_form": shipment_form if can_ship else None,
        },
    )


@login_required
@require_POST
def shipment_add(request, pk):
    order = _get(request, pk)
    lines = [line for line in order.lines.all() if line.remaining > 0]
    form = ShipmentForm(request.POST, order_lines=lines)
    outcome = Outcome(request, form=form)
    if form.is_valid():
        with outcome:
            services.shipment_create(
                order=order,
                user=request.user,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                notes=form.cleaned_data["notes"],
                lines=form.shipment_lines(),
            )
        if outcome.ok:
            messages.success(request, _("Shipment recorded."))
            return redirect(order)
    response = order_detail(request, pk, shipment_form=form)
    response.status_code = outcome.status
    return response


def _may_edit_custom(user, order) -> bool:
    return (
        order.custom_editable
        and can(user, "orders.edit", order)
        and bool(editable_definitions(Order, user))
    )


@login_required
def custom_fields_edit(request, pk):
    """The order's custom fields, for those who may edit the order (the owner, operations)
    until it is accepted or cancelled."""
    order = _get(request, pk)
    if not can(request.user, "orders.edit", order):
        raise PermissionDenied
    if not order.custom_editable:
        messages.error(
            request, _("The custom fields of an accepted or cancelled order stay as they are.")
        )
        return redirect(order)
    form = OrderCustomFieldsForm(request.POST or None, order=order, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            services.order_update(
                order=order, user=request.user, custom=form.cleaned_data.get("custom", {})
            )
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(order)
    response = render(request, "orders/custom_fields.html", {"order": order, "form": form})
    response.status_code = outcome.status
    return response


@login_required
def acceptance_document(request, pk):
    """The customer's signed acceptance document, to whoever may see the order."""
    order = _get(request, pk)
    if not order.acceptance_document:
        raise Http404
    return FileResponse(
        order.acceptance_document.open("rb"),
        as_attachment=True,
        filename=order.acceptance_document.name.rsplit("/", 1)[-1],
    )
