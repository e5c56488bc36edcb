"""The contracts waiting on each role, on the home page; bounded queries."""

import pytest

from contracts.models import Contract
from contracts.tests.factories import contract_in, draft_contract
from ltc.workqueue import work_queue
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def titles(user):
    return {str(s["title"]): [r.pk for r in s["items"]] for s in work_queue(user)["sections"]}


def test_each_role_sees_the_contracts_waiting_on_it():
    support = user_with("sales_support")
    draft = draft_contract(solution_owner=support)
    review = contract_in("in_review", manager_needed=True)
    approved = contract_in("approved")
    assert titles(support)["Draft contracts to complete and submit"] == [draft.pk]
    assert titles(user_with("finance"))["Contracts waiting for finance review"] == [review.pk]
    assert titles(user_with("manager"))["Contracts waiting for your sign-off"] == [review.pk]
    assert titles(approved.owner)["Approved contracts to sign"] == [approved.pk]


def test_the_home_page_lists_them_with_bounded_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    finance = user_with("finance")
    client.force_login(finance)
    counts = []
    for n in (2, 8):
        while Contract.objects.filter(status="in_review").count() < n:
            contract_in("in_review")
        client.get("/")  # warm the per-process caches (content types, ...)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Contract.objects.filter(status="in_review").first().number in response.content.decode()
