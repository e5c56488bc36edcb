"""What the user reads after acting (messages in plain words), which steps are still offered,
and the pages that used to show code names (issue 15, item 8)."""

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from leads.services import lead_convert
from leads.tests.factories import lead_in
from ltc.errors import error_lines
from ltc.signoffs import SignOffDecision, SignOffRole
from ltc.transitions import run, transitions_for
from opportunities.models import QuoteSignOff
from opportunities.tests.factories import quote_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_a_rule_about_no_field_on_the_page_reads_without_its_code_name():
    exc = ValidationError({"quote": "An approved quote is required before proposing."})
    assert error_lines(exc, {"name": "Name"}) == ["An approved quote is required before proposing."]
    assert error_lines(ValidationError({"name": "Taken."}), {"name": "Name"}) == ["Name: Taken."]


def test_a_transition_from_the_page_says_what_happened(client):
    sales = user_with("sales", first_name="Wei", last_name="Zhang")
    lead = lead_in("working", owner=sales, name="Liu Yang")
    client.force_login(sales)
    response = client.post(f"/records/leads/lead/{lead.pk}/transitions/qualify/", follow=True)
    assert response.status_code == 200
    (text,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert text.startswith("Lead “Liu Yang")
    assert text.endswith(": Qualify done, now Qualified. Assigned to Wei Zhang.")


def test_a_refusal_on_the_page_has_no_raw_prefix(client):
    from opportunities.tests.factories import opportunity_in

    sales = user_with("sales")
    opp = opportunity_in("needs_analysis", owner=sales)
    client.force_login(sales)
    response = client.post(f"/records/opportunities/opportunity/{opp.pk}/transitions/propose/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "An approved quote is required before proposing." in html
    assert "quote: An approved" not in html


def signed_by_manager(quote):
    QuoteSignOff.objects.create(
        quote=quote,
        role=SignOffRole.MANAGER,
        user=user_with("manager"),
        decision=SignOffDecision.APPROVED,
    )
    return quote


def test_after_the_managers_sign_off_approve_and_reject_are_no_longer_offered_or_allowed():
    quote = quote_in("pending_approval", manager=True, finance=True, discount_pct="25")
    manager = user_with("manager")
    offered = {t["name"] for t in transitions_for(quote, manager) if t["allowed"]}
    assert offered == {"approve", "reject"}

    signed_by_manager(quote)
    assert not [t for t in transitions_for(quote, manager) if t["allowed"]]
    with pytest.raises(ValidationError):
        run(obj=quote, name="reject", user=manager, data={"reason": "changed my mind"})
    token_client = APIClient()
    token_client.force_authenticate(manager)
    url = f"/api/v1/quotes/{quote.pk}/transitions/reject/"
    response = token_client.post(url, {"reason": "again"}, format="json")
    assert response.status_code == 400
    quote.refresh_from_db()
    assert quote.status == "pending_approval"

    # finance still signs, and that approves the quote
    finance = user_with("finance")
    assert [t["name"] for t in transitions_for(quote, finance) if t["allowed"]] == ["sign_off"]
    quote = run(obj=quote, name="sign_off", user=finance)
    assert quote.status == "approved"


def test_the_lead_page_links_the_opportunity_it_was_converted_to(client):
    sales = user_with("sales")
    lead = lead_in("qualified", owner=sales)
    lead_convert(obj=lead, user=sales, data={})
    lead.refresh_from_db()
    client.force_login(sales)
    html = client.get(lead.get_absolute_url()).content.decode()
    assert (
        f'href="{lead.opportunity.get_absolute_url()}" data-testid="converted-opportunity"' in html
    )
    # marketing sees the lead, not the opportunity: no link to a page it may not open
    client.force_login(user_with("marketing"))
    html = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="converted-opportunity"' not in html


def test_role_matrix_and_where_work_waits_show_labels_not_code_names(client):
    client.force_login(user_with("manager"))
    matrix = client.get("/roles/matrix/").content.decode()
    assert "Start work" in matrix and ">start_work<" not in matrix
    waits = client.get("/handoffs/").content.decode()
    assert "Sales support" in waits and ">sales_support<" not in waits


def test_the_manager_navigation_has_the_forecast_and_the_kpis(client):
    client.force_login(user_with("manager"))
    html = client.get("/kpis/forecast/").content.decode()
    assert 'href="/kpis/forecast/" aria-current="page"' in html
    assert 'href="/kpis/"' in html and 'href="/kpis/" aria-current' not in html


def test_every_choice_label_has_a_chinese_translation():
    from django.apps import apps
    from django.utils import translation

    ours = {
        c.label
        for c in apps.get_app_configs()
        if str(c.path).startswith(str(ROOT)) and "site-packages" not in str(c.path)
    }
    untranslated = []
    for model in apps.get_models():
        if model._meta.app_label not in ours:
            continue
        for field in model._meta.concrete_fields:
            if field.name == "currency" or not field.choices:
                continue  # currency codes are the same in every language
            for value, label in field.choices:
                if isinstance(label, (list, tuple)) or str(value).isupper():
                    continue
                with translation.override("zh-hans"):
                    zh = str(label)
                if zh == str(label) and any(c.isascii() and c.isalpha() for c in zh):
                    if zh not in ("API",):
                        untranslated.append((model._meta.label, field.name, value))
    assert untranslated == []


def test_product_units_are_translated():
    from django.utils import translation

    from catalog.models import unit_label

    with translation.override("zh-hans"):
        assert [unit_label(u) for u in ("pcs", "seat", "day", "year")] == [
            "个",
            "席位",
            "人天",
            "年",
        ]
        assert unit_label("crate") == "crate"


def test_ticket_form_lists_only_the_chosen_accounts_contacts_and_checks_them(client):
    from customers.tests.factories import ContactFactory
    from feedback.models import Ticket

    mine, other = AccountFactory(name="Mine"), AccountFactory(name="Other")
    ours = ContactFactory(account=mine, name="Ms Mine")
    theirs = ContactFactory(account=other, name="Mr Other")
    client.force_login(user_with("service"))
    html = client.get(f"/service/tickets/new/?account={mine.pk}").content.decode()
    assert "Ms Mine" in html and "Mr Other" not in html
    assert 'hx-get="/service/tickets/new/"' in html
    body = {"subject": "Broken", "category": "other", "priority": "normal", "account": mine.pk}
    response = client.post("/service/tickets/new/", body | {"contact": theirs.pk})
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    response = client.post("/service/tickets/new/", body | {"contact": ours.pk})
    assert response.status_code == 302
    assert Ticket.objects.get().contact == ours
