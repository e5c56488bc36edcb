"""Bank statement import and reconciliation: row-by-row validation, matching by reference and
amount, confirm / split / match by hand, reconciled payments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from billing import bank, services
from billing.models import BankStatement, BankStatementLine, Payment
from billing.tests.factories import issued_invoice
from customers.tests.factories import AccountFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_malformed_statement_reports_every_bad_row_and_imports_nothing():
    content = (
        "date,amount,reference,payer\n"
        "2026-01-05,100.00,REF1,Acme\n"
        "05/13/2026,abc,REF2,Acme\n"
        "2026-01-07,12.345,REF3,Acme\n"
        "2026-01-08\n"
    )
    upload = SimpleUploadedFile("statement.csv", content.encode(), content_type="text/csv")
    response = api(user_with("finance")).post(
        "/api/v1/bank-statements/", {"file": upload, "currency": "CNY"}, format="multipart"
    )
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert [r.split(":")[0] for r in rows] == ["Row 3", "Row 4", "Row 5"]
    assert "date" in rows[0] and "amount" in rows[0] and "amount" in rows[1]
    assert BankStatement.objects.count() == 0 and BankStatementLine.objects.count() == 0


def test_missing_columns_refused():
    with pytest.raises(Exception) as exc:
        bank.parse_statement("when,how much\n2026-01-01,1\n")
    assert "Missing columns" in str(exc.value)


def test_import_suggests_and_confirm_reconciles():
    finance = user_with("finance")
    first = issued_invoice(user=finance)
    second = issued_invoice(user=finance)
    recorded = services.payment_record(
        user=finance, account=first.account, amount="500.00", reference="WIRE-77"
    )
    content = (
        "date,amount,reference,payer\n"
        f"2026-01-05,1130.00,Payment {first.number},{first.account.name}\n"
        "2026-01-06,500.00,WIRE-77,Someone\n"
        "2026-01-07,-12.00,Bank fee,Bank\n"
        "2026-01-08,999.00,unknown,Nobody\n"
    )
    client = api(finance)
    response = client.post("/api/v1/bank-statements/", {"csv": content, "currency": "CNY"})
    assert response.status_code == 201, response.content
    lines = {line["row"]: line for line in response.json()["lines"]}
    assert lines[2]["status"] == "suggested" and lines[2]["matches"][0]["invoice"] == first.pk
    assert lines[3]["status"] == "suggested" and lines[3]["matches"][0]["payment"] == recorded.pk
    assert lines[4]["status"] == "ignored"
    assert lines[5]["status"] == "unmatched"

    ok = client.post(f"/api/v1/bank-lines/{lines[2]['id']}/confirm/", {})
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    first.refresh_from_db()
    assert first.status == "paid"
    created = Payment.objects.get(pk=ok.json()["payment"])
    assert created.status == "reconciled" and created.amount == Decimal("1130.00")

    ok = client.post(f"/api/v1/bank-lines/{lines[3]['id']}/confirm/", {})
    assert ok.status_code == 200
    recorded.refresh_from_db()
    assert recorded.status == "reconciled"

    # match by hand: split the unknown line over the second invoice, the rest is credit
    split = client.post(
        f"/api/v1/bank-lines/{lines[5]['id']}/confirm/",
        {"matches": [{"invoice": second.pk, "amount": "900.00"}]},
        format="json",
    )
    assert split.status_code == 200, split.content
    second.refresh_from_db()
    assert second.status == "partially_paid" and second.balance == Decimal("230.00")
    assert services.account_credit(second.account) == Decimal("99.00")
    again = client.post(f"/api/v1/bank-lines/{lines[5]['id']}/confirm/", {})
    assert again.status_code == 400


def test_split_over_two_accounts_refused():
    finance = user_with("finance")
    a = issued_invoice(user=finance)
    b = issued_invoice(user=finance, account=AccountFactory())
    statement = bank.statement_import(
        user=finance, content="date,amount,reference,payer\n2026-01-05,200.00,x,y\n", currency="CNY"
    )
    line = statement.lines.get()
    response = api(finance).post(
        f"/api/v1/bank-lines/{line.pk}/confirm/",
        {"matches": [{"invoice": a.pk, "amount": "100.00"}, {"invoice": b.pk, "amount": "100.00"}]},
        format="json",
    )
    assert response.status_code == 400 and "one account" in " ".join(response.json()["matches"])
    line.refresh_from_db()
    assert line.status == "unmatched" and Payment.objects.count() == 0


def test_only_finance_imports():
    response = api(user_with("sales")).post(
        "/api/v1/bank-statements/", {"csv": "date,amount,reference,payer\n2026-01-01,1,a,b\n"}
    )
    assert response.status_code == 403
