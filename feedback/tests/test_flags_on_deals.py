"""The account flag shows on the earlier stages' pages (open opportunity, quote, contract)
through ltc.flags, without those stages importing feedback."""

import pytest

from feedback import services
from feedback.models import AccountFlag
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
MARK = 'data-testid="account-flags"'


def _flag(account):
    return services.account_flag_raise(account=account, reason="detractor", note="NPS 3")


def test_flag_on_open_opportunity_and_quote_not_on_closed(client):
    from opportunities.tests.factories import opportunity_in, quote_in

    manager = user_with("manager")
    client.force_login(manager)
    open_opp = opportunity_in("proposal")
    lost = opportunity_in("lost", account=open_opp.account)
    quote = quote_in("sent", opportunity=open_opp)
    assert MARK not in client.get(f"/opportunities/{open_opp.pk}/").content.decode()
    flag = _flag(open_opp.account)
    assert MARK in client.get(f"/opportunities/{open_opp.pk}/").content.decode()
    assert MARK in client.get(f"/opportunities/quotes/{quote.pk}/").content.decode()
    assert MARK not in client.get(f"/opportunities/{lost.pk}/").content.decode()
    services.account_flag_clear(flag=flag, user=user_with("service"))
    assert MARK not in client.get(f"/opportunities/{open_opp.pk}/").content.decode()
    assert AccountFlag.objects.filter(cleared_at__isnull=True).count() == 0


def test_flag_on_open_contract(client):
    from contracts.tests.factories import contract_in

    client.force_login(user_with("manager"))
    contract = contract_in("signed")
    done = contract_in("completed", account=contract.account)
    _flag(contract.account)
    assert MARK in client.get(f"/contracts/{contract.pk}/").content.decode()
    assert MARK not in client.get(f"/contracts/{done.pk}/").content.decode()
