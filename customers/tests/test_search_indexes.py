"""The accounts and contacts search is served by their search columns' trigram indexes
(PostgreSQL), and the columns follow every write."""

import pytest
from django.db import connection

from customers.models import Account, Contact
from customers.tests.factories import AccountFactory, ContactFactory
from ltc.searchtext import search_q


@pytest.mark.django_db
def test_contacts_match_on_their_own_fields_or_their_account_name():
    from customers.selectors import contact_matching

    nova = ContactFactory(account=AccountFactory(name="Nova Tech"), name="Li Na")
    by_email = ContactFactory(account=AccountFactory(name="Apex"), email="x@nova.example")
    ContactFactory(account=AccountFactory(name="Apex Two"), name="Zhang")
    assert set(Contact.objects.filter(contact_matching("NOVA"))) == {nova, by_email}


@pytest.mark.django_db
def test_the_search_columns_follow_writes():
    account = AccountFactory(name="Nova Tech", tax_id="91310000X", email="", phone="021")
    contact = ContactFactory(account=account, name="Li Na", email="LI@nova.example", phone="")
    assert Account.objects.filter(search_q("91310000x", Account)).get() == account
    assert Contact.objects.filter(search_q("li@NOVA", Contact)).get() == contact
    Account.objects.filter(pk=account.pk).update(tax_id="")
    assert not Account.objects.filter(search_q("91310000", Account)).exists()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "index"),
    [(Account, "account_search_text_trgm_idx"), (Contact, "contact_search_text_trgm_idx")],
)
def test_search_is_one_scan_of_the_trigram_index(model, index):
    qs = model.objects.filter(search_q("nova", model))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask what could be used
        plan = qs.explain()
    assert plan.count(index) == 1, plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_global_search_on_accounts_and_contacts_uses_the_indexes():
    from search.selectors import SOURCES, _matching

    for kind, model, indexes in [
        ("account", Account, ["account_search_text_trgm_idx"]),
        ("contact", Contact, ["contact_search_text_trgm_idx", "customers_account_name_trgm_idx"]),
    ]:
        source = next(s for s in SOURCES if s.kind == kind)
        qs = model.objects.filter(_matching(source.fields, "nova", model))
        with connection.cursor() as cursor:
            # On a near-empty table the planner may walk the primary key and filter; with
            # scans that read everything ruled out, the matching index is the only way.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            plan = qs.explain()
        for index in indexes:
            assert index in plan, plan
