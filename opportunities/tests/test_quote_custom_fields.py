"""A quote's custom fields in the browser: edited with the terms on a draft, alone while it is
in review, approved or sent, no longer once it is accepted, declined, expired or superseded;
only by the solution owner; a bad value shown again with nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from customfields.models import FieldType
from customfields.tests.factories import define
from opportunities import services
from opportunities.models import Quote, QuoteStatus
from opportunities.tests.factories import opportunity_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    sales = user_with("sales")
    support = user_with("sales_support")
    opp = opportunity_in("needs_analysis", owner=sales)
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=support)
    define("quote", "po_ref", FieldType.TEXT, label_en="Customer PO", label_zh="客户采购单号")
    define("quote", "seats", FieldType.INTEGER, label_en="Seats", label_zh="席位")
    quote = services.quote_create(opportunity=opp, user=support)
    return {"sales": sales, "support": support, "quote": quote}


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_status(quote: Quote, status: str, **fields) -> Quote:
    Quote.objects.filter(pk=quote.pk).update(status=status, **fields)
    return Quote.objects.get(pk=quote.pk)


def edit(user, quote, data):
    return browser(user).post(reverse("opportunities:quote-edit", args=[quote.pk]), data)


def test_the_draft_form_carries_the_terms_and_the_custom_fields(team):
    quote = team["quote"]
    page = browser(team["support"]).get(quote.get_absolute_url()).content.decode()
    assert 'name="notes"' in page and 'name="cf_po_ref"' in page and 'name="cf_seats"' in page

    answer = edit(
        team["support"], quote, {"notes": "Net 30", "cf_po_ref": "PO-88", "cf_seats": "40"}
    )
    assert answer.status_code == 302
    quote.refresh_from_db()
    assert quote.notes == "Net 30" and quote.custom == {"po_ref": "PO-88", "seats": 40}
    page = browser(team["sales"]).get(quote.get_absolute_url()).content.decode()
    assert "PO-88" in page and "Customer PO" in page  # the panel shows the values


def test_a_bad_value_is_shown_again_and_nothing_changes(team):
    quote = team["quote"]
    Quote.objects.filter(pk=quote.pk).update(custom={"seats": 3})
    answer = edit(
        team["support"], quote, {"notes": "changed", "cf_po_ref": "PO-1", "cf_seats": "many"}
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Enter a whole number." in html and 'name="cf_seats"' in html
    quote.refresh_from_db()
    assert quote.notes == "" and quote.custom == {"seats": 3}


def test_a_required_field_is_asked_for_on_the_form(team):
    define("quote", "region", FieldType.TEXT, required=True)
    answer = edit(team["support"], team["quote"], {"notes": "x"})
    assert answer.status_code == 400
    assert "This field is required." in answer.content.decode()
    assert Quote.objects.get(pk=team["quote"].pk).notes == ""


@pytest.mark.parametrize("status", ["pending_approval", "approved", "sent"])
def test_past_the_draft_only_the_custom_fields_change(team, status):
    quote = in_status(team["quote"], status, notes="Fixed terms")
    page = browser(team["support"]).get(quote.get_absolute_url()).content.decode()
    assert 'name="cf_po_ref"' in page and 'name="notes"' not in page

    answer = edit(team["support"], quote, {"cf_po_ref": "PO-2", "notes": "sneaked in"})
    assert answer.status_code == 302
    quote.refresh_from_db()
    assert quote.custom == {"po_ref": "PO-2"} and quote.notes == "Fixed terms"
    with pytest.raises(ValidationError):
        services.quote_update(quote=quote, user=team["support"], notes="sneaked in")
    assert Quote.objects.get(pk=quote.pk).notes == "Fixed terms"


@pytest.mark.parametrize("status", ["accepted", "declined", "expired"])
def test_a_final_quote_keeps_its_custom_fields(team, status):
    quote = in_status(team["quote"], status, custom={"po_ref": "PO-1"})
    page = browser(team["support"]).get(quote.get_absolute_url()).content.decode()
    assert 'name="cf_po_ref"' not in page and "PO-1" in page
    answer = edit(team["support"], quote, {"cf_po_ref": "PO-9"})
    assert answer.status_code == 400
    with pytest.raises(ValidationError):
        services.quote_update(quote=quote, user=team["support"], custom={"po_ref": "PO-9"})
    assert Quote.objects.get(pk=quote.pk).custom == {"po_ref": "PO-1"}


def test_a_superseded_version_keeps_its_custom_fields(team):
    quote = in_status(team["quote"], QuoteStatus.SENT, superseded=True, custom={"po_ref": "A"})
    assert (
        'name="cf_po_ref"'
        not in browser(team["support"]).get(quote.get_absolute_url()).content.decode()
    )
    with pytest.raises(ValidationError):
        services.quote_update(quote=quote, user=team["support"], custom={"po_ref": "B"})


def test_only_the_solution_owner_edits_them(team):
    quote = in_status(team["quote"], "sent")
    sales = team["sales"]  # sees the quote, does not build it
    page = browser(sales).get(quote.get_absolute_url())
    assert page.status_code == 200 and 'name="cf_po_ref"' not in page.content.decode()
    assert edit(sales, quote, {"cf_po_ref": "PO-3"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.quote_update(quote=quote, user=sales, custom={"po_ref": "PO-3"})
    assert edit(user_with("sales_support"), quote, {"cf_po_ref": "PO-3"}).status_code in (403, 404)
    assert Quote.objects.get(pk=quote.pk).custom == {}


def test_a_field_the_role_may_not_edit_is_not_in_the_form(team):
    define("quote", "margin", FieldType.DECIMAL, edit_roles=["manager"])
    Quote.objects.filter(pk=team["quote"].pk).update(custom={"margin": "9.5"})
    page = browser(team["support"]).get(team["quote"].get_absolute_url()).content.decode()
    assert 'name="cf_margin"' not in page
    assert (
        edit(team["support"], team["quote"], {"cf_po_ref": "P", "cf_margin": "1"}).status_code
        == 302
    )
    assert Quote.objects.get(pk=team["quote"].pk).custom == {"margin": "9.5", "po_ref": "P"}


def test_a_new_version_keeps_the_custom_fields(team):
    quote = in_status(team["quote"], "declined", custom={"po_ref": "PO-7", "seats": 5})
    new = services.quote_revise(quote=quote, user=team["support"])
    assert new.custom == {"po_ref": "PO-7", "seats": 5}


@pytest.mark.parametrize("status", ["draft", "sent"])
def test_an_api_patch_by_a_user_who_does_not_build_the_quote_is_refused(team, status):
    quote = in_status(team["quote"], status)
    client = APIClient()
    client.force_authenticate(team["sales"])  # sees the quote, does not build it
    answer = client.patch(
        f"/api/v1/quotes/{quote.pk}/", {"custom": {"po_ref": "PO-9"}}, format="json"
    )
    assert answer.status_code == 403, answer.content
    assert Quote.objects.get(pk=quote.pk).custom == {}
