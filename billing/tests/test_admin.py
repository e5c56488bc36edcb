"""Issued invoices and payments are read-only in the admin: no change, add or delete."""

import pytest
from django.urls import reverse

from billing.models import Invoice, Payment
from billing.tests.factories import issued_invoice, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_an_issued_invoice_and_its_lines_are_read_only(admin_client):
    invoice = issued_invoice()
    url = reverse("admin:billing_invoice_change", args=[invoice.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    for formset in response.context["inline_admin_formsets"]:
        assert not (formset.has_add_permission or formset.has_change_permission)
    assert admin_client.post(url, {"notes": "changed"}).status_code == 403
    delete = reverse("admin:billing_invoice_delete", args=[invoice.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).notes != "changed"
    assert admin_client.get(reverse("admin:billing_invoice_add")).status_code == 403


def test_a_payment_is_read_only(admin_client):
    invoice = issued_invoice()
    payment = pay(invoice, invoice.total)
    url = reverse("admin:billing_payment_change", args=[payment.pk])
    assert admin_client.get(url).context["has_change_permission"] is False
    assert admin_client.post(url, {"reference": "changed"}).status_code == 403
    delete = reverse("admin:billing_payment_delete", args=[payment.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Payment.objects.filter(pk=payment.pk).exclude(reference="changed").exists()
