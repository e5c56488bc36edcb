"""Targets page and XLSX import, the hand-off rating panel, the weekly digest."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from kpis.digest import send_weekly_digest
from kpis.models import DigestSent, HandoffRating, Target
from notifications.models import BotWebhook, Delivery, Notification
from orders.tests.factories import order_in
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["person", "team", "period", "period start", "metric", "value", "currency"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def people():
    return {"manager": user_with("manager"), "sales": user_with("sales", username="ana")}


def form_data(owner, **extra):
    return {"owner": owner.pk, "period_kind": "month", "period_start": "2026-03-01",
            "metric": "bookings", "value": "1000", "currency": "CNY", **extra}  # fmt: skip


def test_targets_page_validates_and_saves(people):
    c = client_for(people["manager"])
    url = reverse("kpis:targets")
    r = c.post(url, form_data(people["sales"], value="-5"))
    assert r.status_code == 400 and "value" in r.context["form"].errors
    r = c.post(url, form_data(people["sales"], value="lots"))
    assert r.status_code == 400 and "value" in r.context["form"].errors
    assert not Target.objects.exists()
    assert c.post(url, form_data(people["sales"])).status_code == 302
    r = c.post(url, form_data(people["sales"], value="2000"))
    assert r.status_code == 400 and "metric" in r.context["form"].errors
    assert Target.objects.get().value == Decimal("1000")
    assert client_for(people["sales"]).post(url, form_data(people["sales"])).status_code == 403
    page = client_for(people["sales"]).get(url)
    assert page.status_code == 200 and b"2026-03" in page.content


def test_xlsx_import_all_or_nothing(people):
    c = client_for(people["manager"])
    team = TeamFactory(name="East")
    url = reverse("kpis:target-import")
    good = xlsx([["ana", None, "month", "2026-03-01", "bookings", 5000, "CNY"],
                 [None, "East", "quarter", datetime.datetime(2026, 4, 1), "new_customers", 3,
                  None]])  # fmt: skip
    r = c.post(url, {"file": SimpleUploadedFile("t.xlsx", good)})
    assert r.status_code == 302
    assert Target.objects.count() == 2
    assert Target.objects.get(team=team).period_start == datetime.date(2026, 4, 1)
    bad = xlsx([["ana", None, "month", "2026-05-01", "bookings", 1, "CNY"],
                ["ana", None, "month", "2026-05-01", "collected", -3, "CNY"],
                ["nobody", None, "month", "2026-05-01", "bookings", 1, "CNY"]])  # fmt: skip
    r = c.post(url, {"file": SimpleUploadedFile("t.xlsx", bad)})
    assert r.status_code == 400
    assert any("Row 3" in e for e in r.context["import_form"].non_field_errors())
    assert any("Row 4" in e for e in r.context["import_form"].non_field_errors())
    assert Target.objects.count() == 2
    big = SimpleUploadedFile("t.xlsx", b"0" * (2 * 1024 * 1024 + 1))
    r = c.post(url, {"file": big})
    assert r.status_code == 400 and "file" in r.context["import_form"].errors
    r = c.post(url, {"file": SimpleUploadedFile("t.xlsx", b"not a workbook")})
    assert r.status_code == 400 and r.context["import_form"].non_field_errors()
    assert (
        client_for(people["sales"])
        .post(url, {"file": SimpleUploadedFile("t.xlsx", good)})
        .status_code
        == 403
    )


def test_receiving_role_rates_the_hand_off_in_one_click():
    operations = user_with("operations")
    order = order_in("confirmed")
    c = client_for(operations)
    page = c.get(order.get_absolute_url())
    assert b'data-testid="handoff-rating"' in page.content
    url = reverse("kpis:rate-handoff", args=["orders", "order", order.pk])
    r = c.post(url, {"handoff": "order_fulfilment", "score": "4"})
    assert r.status_code == 302
    c.post(url, {"handoff": "order_fulfilment", "score": "5"})  # changes the score
    rating = HandoffRating.objects.get()
    assert rating.score == 5 and rating.rated_by == operations
    c.post(url, {"handoff": "order_fulfilment", "score": "9"})
    assert HandoffRating.objects.get().score == 5
    sales = user_with("sales")
    assert client_for(sales).post(
        url, {"handoff": "order_fulfilment", "score": "1"}
    ).status_code in (403, 404)
    assert HandoffRating.objects.count() == 1
    # the sales page shows no rating panel: sales does not receive this hand-off
    assert (
        b'data-testid="handoff-rating"'
        not in client_for(order.owner).get(order.get_absolute_url()).content
    )


def test_weekly_digest_goes_out_once_per_week():
    manager = user_with("manager")
    lead = user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(lead)
    BotWebhook.objects.create(team=team, provider="wecom", name="team",
                              url="https://bot.example.com/hook")  # fmt: skip
    user_with("sales")  # neither manager nor lead: gets nothing
    monday = datetime.date(2026, 3, 16)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("notifications.outbox.dispatch", lambda pk: None)
        assert send_weekly_digest(today=monday) == 2
        assert send_weekly_digest(today=monday) == 0
        assert send_weekly_digest(today=monday + datetime.timedelta(days=2)) == 0
    notes = Notification.objects.filter(event="kpi-digest")
    assert {n.recipient for n in notes} == {manager, lead}
    assert "2026-03-09" in notes.first().body
    assert DigestSent.objects.get().week == "2026-W12"
    assert Delivery.objects.filter(bot__team=team).count() == 1
    assert len([m for m in mail.outbox if "KPI digest" in m.subject]) in (0, 2)


def test_rating_panel_is_declared_on_each_rated_record():
    """kpis/apps.py declares the rating panel on exactly the records of RATED_HANDOFFS, and
    the engine shows it there with its context selector."""
    from django.apps import apps

    from kpis.ratings import RATED_HANDOFFS
    from kpis.selectors import handoff_rating_panel
    from ltc import panels

    declared = {label.lower() for label in apps.get_app_config("kpis").contributes.panels}
    assert declared == {h.model_label for h in RATED_HANDOFFS.values()}
    for label in declared:
        shown = {p.template_name: p.context for p in panels.PANELS[label]}
        assert shown["kpis/includes/handoff_rating.html"] is handoff_rating_panel


def test_target_and_export_policies():
    """Only a manager may set or import targets (the declared policies, also through the
    API); a user with no role may not export."""
    from roles.policies import can

    manager, sales, nobody = user_with("manager"), user_with("sales"), user_with()
    assert can(manager, "kpis.targets") and can(manager, "kpis.import_targets")
    assert not can(sales, "kpis.targets") and not can(sales, "kpis.import_targets")
    assert can(sales, "kpis.export") and not can(nobody, "kpis.export")
    assert client_for(nobody).get(reverse("kpis:export", args=["csv"])).status_code == 403
    api = client_for(sales).post(
        "/api/v1/targets/",
        {
            "owner": sales.pk,
            "period_kind": "month",
            "period_start": "2026-03-01",
            "metric": "bookings",
            "value": "100",
            "currency": "CNY",
        },  # fmt: skip
        content_type="application/json",
    )
    assert api.status_code == 403 and not Target.objects.exists()
