"""Customer acceptance (验收): delivered → accepted with the date and an optional document,
in the browser and the API; the order_accepted hand-off drafts the invoices of the
on-acceptance milestones (and only those), in the acceptance's transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Invoice
from contracts.models import MilestoneTrigger, PaymentMilestone
from contracts.tests.factories import contract_in
from ltc.transitions import run
from orders.models import Order
from orders.services import order_create_from_contract
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def delivered_order(plan=((30, "on_signing"), (60, "on_delivery"), (10, "on_acceptance"))):
    """A delivered order of a signed contract with a 30/60/10 plan (signing, delivery,
    acceptance); no invoice drafted yet."""
    contract = contract_in("signed", unit_price="10000.00")
    contract.milestones.all().delete()
    for i, (pct, trigger) in enumerate(plan):
        PaymentMilestone.objects.create(
            contract=contract,
            position=i,
            name=f"{pct}% {trigger}",
            percentage=Decimal(pct),
            amount=contract.total * Decimal(pct) / 100,
            trigger=trigger,
        )
    order = order_create_from_contract(contract=contract, user=contract.owner)
    Order.objects.filter(pk=order.pk).update(
        status="delivered",
        confirmed_at=timezone.now(),
        shipped_at=timezone.now(),
        delivered_on=timezone.localdate(),
    )
    order.refresh_from_db()
    return order


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def pdf(size=100, name="acceptance.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def test_acceptance_drafts_only_the_on_acceptance_invoices():
    order = delivered_order()
    accepted = run(
        obj=order, name="accept", user=order.owner, data={"accepted_on": TODAY().isoformat()}
    )
    assert accepted.status == "accepted"
    assert accepted.accepted_on == TODAY()
    invoices = list(Invoice.objects.filter(contract=order.contract))
    assert len(invoices) == 1
    milestone = invoices[0].milestone
    assert milestone.trigger == MilestoneTrigger.ON_ACCEPTANCE
    assert invoices[0].status == "draft"
    assert invoices[0].total == milestone.amount == Decimal("1000.00")


def test_acceptance_twice_is_refused_and_drafts_nothing_twice():
    order = delivered_order()
    service = user_with("service")
    run(obj=order, name="accept", user=service, data={"accepted_on": TODAY().isoformat()})
    response = api(service).post(
        f"/api/v1/orders/{order.pk}/transitions/accept/", {"accepted_on": TODAY().isoformat()}
    )
    assert response.status_code == 409
    assert Invoice.objects.filter(contract=order.contract).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "accepted_on"),
        ({"accepted_on": "not a date"}, "accepted_on"),
        ({"accepted_on": (TODAY() + datetime.timedelta(days=2)).isoformat()}, "accepted_on"),
        ({"accepted_on": (TODAY() - datetime.timedelta(days=3)).isoformat()}, "accepted_on"),
    ],
)
def test_api_bad_acceptance_is_400_and_changes_nothing(data, field):
    order = delivered_order()
    response = api(order.owner).post(f"/api/v1/orders/{order.pk}/transitions/accept/", data)
    assert response.status_code == 400
    assert field in response.json()
    order.refresh_from_db()
    assert order.status == "delivered" and order.accepted_on is None
    assert not Invoice.objects.filter(contract=order.contract).exists()


def test_api_acceptance_with_a_document():
    order = delivered_order()
    response = api(user_with("service")).post(
        f"/api/v1/orders/{order.pk}/transitions/accept/",
        {"accepted_on": TODAY().isoformat(), "document": pdf()},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["accepted_on"] == TODAY().isoformat()
    assert body["has_acceptance_document"] is True
    order.refresh_from_db()
    assert order.acceptance_document.read().startswith(b"%PDF")


def test_document_over_the_size_limit_is_refused(settings):
    settings.LTC = {**settings.LTC, "ACCEPTANCE_DOCUMENT_MAX_MB": 1}
    order = delivered_order()
    response = api(order.owner).post(
        f"/api/v1/orders/{order.pk}/transitions/accept/",
        {"accepted_on": TODAY().isoformat(), "document": pdf(size=1024 * 1024 + 1)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "document" in response.json()
    order.refresh_from_db()
    assert order.status == "delivered" and not order.acceptance_document


def test_document_of_another_type_is_refused():
    order = delivered_order()
    bad = SimpleUploadedFile("run.exe", b"MZ....", content_type="application/octet-stream")
    response = api(order.owner).post(
        f"/api/v1/orders/{order.pk}/transitions/accept/",
        {"accepted_on": TODAY().isoformat(), "document": bad},
        format="multipart",
    )
    assert response.status_code == 400
    assert "document" in response.json()


def test_browser_acceptance_with_a_document_then_download(client):
    order = delivered_order()
    client.force_login(order.owner)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-transition="accept"' in page
    assert 'enctype="multipart/form-data"' in page
    response = client.post(
        reverse("transition", args=["orders", "order", order.pk, "accept"]),
        {"accepted_on": TODAY().isoformat(), "document": pdf()},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "accepted" and order.acceptance_document
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="accepted-on"' in page
    download = client.get(reverse("orders:acceptance-document", args=[order.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # someone who may not see the order may not download its document
    client.force_login(user_with("sales"))
    assert client.get(reverse("orders:acceptance-document", args=[order.pk])).status_code == 404


def test_browser_acceptance_without_a_date_shows_the_error(client):
    order = delivered_order()
    client.force_login(order.owner)
    response = client.post(reverse("transition", args=["orders", "order", order.pk, "accept"]), {})
    assert response.status_code == 400
    assert "Accepted on" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "delivered"
