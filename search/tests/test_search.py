"""Global search: role-scoped hits from each stage's own list, in Chinese and English, with
a fixed number of queries however many records match."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from billing.tests.factories import issued_invoice
from customers.tests.factories import AccountFactory, ContactFactory
from feedback.tests.factories import ticket_in
from leads.tests.factories import LeadFactory
from opportunities.tests.factories import OpportunityFactory
from roles.tests.factories import user_with
from search.selectors import SOURCES, _matching, global_search

pytestmark = pytest.mark.django_db


def kinds(groups):
    return {g["kind"]: [h["title"] for h in g["hits"]] for g in groups}


def test_sales_finds_own_leads_and_never_another_salespersons():
    wei, li = user_with("sales"), user_with("sales")
    LeadFactory(name="Zhao Min", company="Hengda Optics", owner=wei)
    LeadFactory(name="Qian Hao", company="Hengda Trading", owner=li)
    titles = kinds(global_search(user=wei, query="hengda"))["lead"]
    assert len(titles) == 1 and "Zhao Min" in titles[0]


def test_manager_finds_every_kind_by_company_name_in_chinese():
    manager = user_with("manager")
    account = AccountFactory(name="上海明辉制造有限公司", tax_id="91310000MA1FL0001X")
    ContactFactory(account=account, name="王芳")
    LeadFactory(name="陈刚", company="明辉集团")
    OpportunityFactory(account=account, name="明辉 二期")
    ticket_in("open", account=account, subject="发货延迟")
    issued_invoice(account=account)
    hits = kinds(global_search(user=manager, query="明辉"))
    assert {"account", "contact", "lead", "opportunity", "ticket", "invoice"} <= set(hits)
    assert hits["account"] == ["上海明辉制造有限公司"]


def test_invoice_found_by_its_number_and_account_by_tax_id():
    manager = user_with("manager")
    invoice = issued_invoice()
    assert invoice.number
    assert [
        h["title"] for h in _group(global_search(user=manager, query=invoice.number), "invoice")
    ] == [str(invoice)]
    AccountFactory(name="Tax Co", tax_id="91440300MA5XYZ")
    assert kinds(global_search(user=manager, query="MA5XYZ"))["account"] == ["Tax Co"]


def _group(groups, kind):
    return next(g["hits"] for g in groups if g["kind"] == kind)


def test_one_character_searches_nothing(django_assert_num_queries):
    manager = user_with("manager")
    AccountFactory(name="A")
    with django_assert_num_queries(0):
        assert global_search(user=manager, query=" a ") == []


@pytest.mark.parametrize("count", [1, 12])
def test_query_count_is_fixed_whatever_matches(count, django_assert_max_num_queries):
    manager = user_with("manager")
    for n in range(count):
        account = AccountFactory(name=f"Fixed Count {n}")
        ContactFactory(account=account, name=f"Fixed Person {n}")
        LeadFactory(company=f"Fixed Count Lead {n}")
    # One query per kind, plus the role lookups of the visibility rules.
    with django_assert_max_num_queries(len(SOURCES) + 3):
        groups = global_search(user=manager, query="fixed")
    assert len(_group(groups, "account")) == min(count, 5)


def test_page_and_htmx_dropdown(client):
    sales = user_with("sales")
    LeadFactory(name="Sun Li", company="Dragon Valves", owner=sales)
    client.force_login(sales)
    page = client.get(reverse("search:search"), {"q": "dragon"})
    assert page.status_code == 200
    assert "Sun Li" in page.content.decode()
    assert b"<html" in page.content
    partial = client.get(reverse("search:search"), {"q": "dragon"}, HTTP_HX_REQUEST="true")
    assert "Sun Li" in partial.content.decode()
    assert b"<html" not in partial.content
    nothing = client.get(reverse("search:search"), {"q": "zzzz"}, HTTP_HX_REQUEST="true")
    assert "Nothing found" in nothing.content.decode()


def test_top_bar_has_the_search_box(client):
    client.force_login(user_with("service"))
    body = client.get(reverse("home")).content.decode()
    assert 'id="global-search"' in body and 'role="search"' in body


def test_api_is_role_scoped_and_refuses_short_queries():
    wei, li = user_with("sales"), user_with("sales")
    LeadFactory(name="Mine", company="Orchid Tech", owner=wei)
    LeadFactory(name="Theirs", company="Orchid Tech 2", owner=li)
    api = APIClient()
    api.force_authenticate(wei)
    answer = api.get("/api/v1/search/", {"q": "orchid"})
    assert answer.status_code == 200
    titles = [h["title"] for g in answer.json() for h in g["hits"]]
    assert any("Mine" in t for t in titles) and not any("Theirs" in t for t in titles)
    short = api.get("/api/v1/search/", {"q": "o"})
    assert short.status_code == 400
    assert "q" in short.json()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("kind", "table", "indexes"),
    [
        ("opportunity", "opportunities_opportunity", ["opportunity_name_trgm_idx"]),
        ("quote", "opportunities_quote", ["opportunity_name_trgm_idx"]),
        ("contract", "contracts_contract", ["contract_number_trgm_idx"]),
        ("order", "orders_order", ["order_number_trgm_idx"]),
        ("invoice", "billing_invoice", ["invoice_number_trgm_idx"]),
        ("ticket", "feedback_ticket", ["ticket_subject_trgm_idx"]),
    ],
)
def test_later_stages_are_searched_through_indexes(kind, table, indexes):
    """Numbers, names and subjects on their trigram indexes, the account's name on its own
    and the foreign key's: no kind reads its whole table (nor the accounts')."""
    from django.db import connection

    source = next(s for s in SOURCES if s.kind == kind)
    visible = source.records(user=user_with("manager"))
    qs = visible.filter(_matching(source.fields, "nova", visible.model))
    with connection.cursor() as cursor:
        # On near-empty tables the planner may read everything anyway; with the full reads
        # ruled out, what remains is what the indexes allow.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = qs.explain()
    for index in [*indexes, "customers_account_name_trgm_idx"]:
        assert index in plan, plan
    assert f"Seq Scan on {table}" not in plan, plan
    assert "Seq Scan on customers_account" not in plan, plan


def test_a_later_stage_is_found_by_its_own_field_or_its_accounts_name():
    from contracts.models import Contract
    from contracts.tests.factories import draft_contract

    manager = user_with("manager")
    by_number = draft_contract(account=AccountFactory(name="Lumen"))
    Contract.objects.filter(pk=by_number.pk).update(number="CT-NOVA-7")
    by_number.refresh_from_db()
    by_account = draft_contract(account=AccountFactory(name="Nova Works"))
    other = draft_contract(account=AccountFactory(name="Apex"))
    Contract.objects.filter(pk=other.pk).update(number="CT-APEX-1")
    found = {h["title"] for h in _group(global_search(user=manager, query="nova"), "contract")}
    assert found == {str(by_number), str(by_account)}
