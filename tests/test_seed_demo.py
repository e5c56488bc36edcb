"""`seed_demo` recognises its own rows by their demo key: users who repeat every demo name
(accounts, contacts, leads, deals, tickets, people's names) never make it crash or duplicate,
and a failing seeder is logged without stopping the others."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from billing.models import Invoice
from contracts.demo import DEALS as CONTRACT_DEALS
from customers.demo import ACCOUNTS, CONTACTS
from customers.models import Account, Contact
from feedback.demo import TICKETS
from feedback.models import FeedbackItem, Ticket
from leads.demo import LEADS
from leads.models import Lead
from ltc import history
from ltc.models import DemoRecord
from opportunities.demo import DEALS
from opportunities.models import Opportunity
from orders.models import Order
from pool.demo import EMAIL as POOL_EMAIL
from roles.demo import NAMES

pytestmark = pytest.mark.django_db

MODELS = [Account, Contact, Lead, Opportunity, Invoice, Order, Ticket, FeedbackItem]


def _seed():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _lookalikes():
    """A user's own rows with every name the demo uses, each twice."""
    User = get_user_model()
    owner = User.objects.create_user("trial", password="x")
    for first, last in NAMES.values():
        for i in range(2):
            User.objects.create_user(f"{first}{last}{i}", first_name=first, last_name=last)
    accounts = []
    names = {row[0] for row in ACCOUNTS} | {row[1] for row in DEALS}
    names |= {row[1] for row in CONTRACT_DEALS} | {row[1] for row in LEADS}
    names |= {deal.company for deal in history.deals()}
    for name in sorted(names):
        for _ in range(2):
            accounts.append(Account.objects.create(name=name, owner=owner))
    for _index, name, _title, email, _phone, _primary in CONTACTS:
        for account in accounts[:2]:
            Contact.objects.create(account=account, name=name, email=email)
    for name, company, email, *_rest in LEADS:
        for _ in range(2):
            Lead.objects.create(name=name, company=company, email=email, owner=owner)
    for _ in range(2):
        Lead.objects.create(name="陈杰", email=POOL_EMAIL, owner=owner)
    for deal in history.deals():  # the year of history's companies, too
        for _ in range(2):
            Lead.objects.create(name="x", company=deal.company, owner=owner)
    for name, *_rest in list(DEALS) + list(CONTRACT_DEALS):
        for _ in range(2):
            Opportunity.objects.create(name=name, account=accounts[0], owner=owner)
    for subject, *_rest in TICKETS:
        for _ in range(2):
            Ticket.objects.create(subject=subject, account=accounts[0])
    return accounts


def test_seed_ignores_lookalikes_and_runs_twice_without_duplicates():
    lookalikes = _lookalikes()
    before = _counts()
    _seed()
    first = _counts()
    assert first["Account"] > before["Account"]  # the demo made accounts of its own
    due = [deal for deal in history.deals() if history.due(deal.start)]
    converted = [deal for deal in due if deal.converts and history.due(deal.at("convert"))]
    tickets = [d for d in converted if d.wins and d.ticket and history.due(d.at("ticket"))]
    # the demo deals, the one the converted demo lead hands off and the history's
    assert first["Opportunity"] - before["Opportunity"] == (
        len(DEALS) + len(CONTRACT_DEALS) + 1 + len(converted)
    )
    assert first["Lead"] - before["Lead"] == len(LEADS) + 1 + len(due)
    assert first["Ticket"] - before["Ticket"] >= len(TICKETS) + 1
    assert tickets
    issued = Invoice.objects.exclude(number=None)
    for key in ("invoice:old", "invoice:late", "invoice:paid"):
        assert issued.filter(pk=DemoRecord.objects.get(key=key).object_id).exists()
    assert issued.count() > 3  # the year of history's invoices too
    # the history's leads are the demo's own, never the user's namesakes
    history_leads = DemoRecord.objects.filter(key__startswith="history:lead:")
    assert history_leads.count() == len(due)
    assert not Lead.objects.filter(
        owner__username="trial", pk__in=history_leads.values("object_id")
    ).exists()
    _seed()
    assert _counts() == first
    # every marker points at a row of its own, and none at the user's look-alikes
    marked = {(m.content_type.model_class(), m.object_id) for m in DemoRecord.objects.all()}
    assert not {(Account, a.pk) for a in lookalikes} & marked
    assert len(marked) == DemoRecord.objects.count()
    # the user's rows are untouched
    assert all(
        Account.objects.filter(pk=a.pk, owner__username="trial").exists() for a in lookalikes
    )


def test_deleted_demo_row_is_made_again():
    _seed()
    opp = Opportunity.objects.get(
        pk=DemoRecord.objects.get(key=f"opportunity:{DEALS[0][0]}").object_id
    )
    opp.delete()
    _seed()
    assert Opportunity.objects.filter(name=DEALS[0][0]).count() == 1


def test_failing_seeder_is_logged_and_the_others_still_run(monkeypatch, caplog):
    import catalog.demo

    def broken(out):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog.demo, "seed", broken)
    with pytest.raises(CommandError, match="catalog"):
        _seed()
    assert "demo seed of catalog failed" in caplog.text
    assert Account.objects.exists()  # customers seeded in its own transaction
    assert Lead.objects.exists()  # later stages still ran
