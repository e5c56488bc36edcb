"""An order's custom fields in the browser: its own small page, for the owner and operations
(the roles that may edit an order) until the order is accepted or cancelled; refused in the
view and in the service for the others; a bad value shown again with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from customfields.models import FieldType
from customfields.tests.factories import define
from orders import services
from orders.models import Order
from orders.tests.factories import order_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

PROMISED = datetime.date(2027, 3, 1)


@pytest.fixture
def fields():
    define("order", "dock", FieldType.TEXT, label_en="Loading dock", label_zh="装货码头")
    define("order", "pallets", FieldType.INTEGER, label_en="Pallets", label_zh="托盘数")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(order) -> str:
    return reverse("orders:custom-fields", args=[order.pk])


def stored(order) -> Order:
    return Order.objects.get(pk=order.pk)


@pytest.mark.parametrize("who", ["owner", "granted", "operations"])
def test_the_roles_that_edit_an_order_edit_its_custom_fields(fields, who):
    order = order_in("confirmed")
    Order.objects.filter(pk=order.pk).update(promised_delivery_date=PROMISED)
    user = {"owner": order.owner, "operations": user_with("operations")}.get(who)
    if who == "granted":
        user = user_with("sales")
        assign_perm("orders.view_order", user, order)
    detail = browser(user).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="edit-custom"' in detail
    page = browser(user).get(page_url(order))
    assert page.status_code == 200 and 'name="cf_dock"' in page.content.decode()

    answer = browser(user).post(page_url(order), {"cf_dock": "B-3", "cf_pallets": "12"})
    assert answer.status_code == 302 and answer["Location"] == order.get_absolute_url()
    order = stored(order)
    assert order.custom == {"dock": "B-3", "pallets": 12}
    assert order.promised_delivery_date == PROMISED  # only the custom fields changed
    detail = browser(user_with("service")).get(order.get_absolute_url()).content.decode()
    assert "Loading dock" in detail and "B-3" in detail


@pytest.mark.parametrize("role", ["service", "manager"])
def test_roles_that_only_read_an_order_are_refused(fields, role):
    order = order_in(
        "confirmed",
    )
    Order.objects.filter(pk=order.pk).update(custom={"dock": "A-1"})
    user = user_with(role)
    detail = browser(user).get(order.get_absolute_url())
    assert detail.status_code == 200 and 'data-testid="edit-custom"' not in detail.content.decode()
    assert browser(user).get(page_url(order)).status_code == 403
    assert browser(user).post(page_url(order), {"cf_dock": "Z-9"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.order_update(order=order, user=user, custom={"dock": "Z-9"})
    assert stored(order).custom == {"dock": "A-1"}


@pytest.mark.parametrize("role", ["finance", "sales"])
def test_roles_that_do_not_see_the_order_get_no_page(fields, role):
    order = order_in("confirmed")
    assert browser(user_with(role)).post(page_url(order), {"cf_dock": "Z"}).status_code == 404
    assert stored(order).custom == {}


def test_a_bad_value_is_shown_again_and_nothing_changes(fields):
    order = order_in("in_fulfillment")
    Order.objects.filter(pk=order.pk).update(custom={"dock": "A-1", "pallets": 2})
    answer = browser(order.owner).post(page_url(order), {"cf_dock": "B-3", "cf_pallets": "a lot"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Enter a whole number." in html and 'value="B-3"' in html
    assert stored(order).custom == {"dock": "A-1", "pallets": 2}


def test_a_required_field_must_be_filled(fields):
    define("order", "site", FieldType.TEXT, required=True)
    order = order_in("confirmed")
    answer = browser(order.owner).post(page_url(order), {"cf_dock": "B-3"})
    assert answer.status_code == 400 and "This field is required." in answer.content.decode()
    assert stored(order).custom == {}


def test_a_delivered_order_is_annotated_but_keeps_its_date(fields):
    order = order_in("delivered")
    Order.objects.filter(pk=order.pk).update(promised_delivery_date=PROMISED)
    answer = browser(order.owner).post(page_url(order), {"cf_dock": "C-1"})
    assert answer.status_code == 302 and stored(order).custom == {"dock": "C-1"}
    with pytest.raises(ValidationError):
        services.order_update(
            order=order, user=order.owner, promised_delivery_date=datetime.date(2027, 4, 1)
        )
    assert stored(order).promised_delivery_date == PROMISED


@pytest.mark.parametrize("status", ["accepted", "cancelled"])
def test_a_final_order_keeps_its_custom_fields(fields, status):
    order = order_in(status)
    Order.objects.filter(pk=order.pk).update(custom={"dock": "A-1"})
    detail = browser(order.owner).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="edit-custom"' not in detail
    answer = browser(order.owner).post(page_url(order), {"cf_dock": "Z"})
    assert answer.status_code == 302
    with pytest.raises(ValidationError):
        services.order_update(order=order, user=order.owner, custom={"dock": "Z"})
    assert stored(order).custom == {"dock": "A-1"}


def test_an_api_patch_of_the_custom_fields_keeps_the_promised_date(fields):
    order = order_in("confirmed")
    Order.objects.filter(pk=order.pk).update(promised_delivery_date=PROMISED)
    client = APIClient()
    client.force_authenticate(order.owner)
    answer = client.patch(f"/api/v1/orders/{order.pk}/", {"custom": {"dock": "D"}}, format="json")
    assert answer.status_code == 200, answer.content
    order = stored(order)
    assert order.custom == {"dock": "D"} and order.promised_delivery_date == PROMISED


@pytest.mark.parametrize("role", ["service", "manager"])
def test_an_api_patch_by_a_role_that_only_reads_the_order_is_refused(fields, role):
    order = order_in("confirmed")
    client = APIClient()
    client.force_authenticate(user_with(role))
    answer = client.patch(f"/api/v1/orders/{order.pk}/", {"custom": {"dock": "Z"}}, format="json")
    assert answer.status_code == 403, answer.content
    assert stored(order).custom == {}
