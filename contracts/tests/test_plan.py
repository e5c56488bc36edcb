"""The payment plan (回款计划): Decimal allocation without drift, and the API that sets it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from contracts.plan import allocate
from contracts.tests.factories import draft_contract
from roles.tests.factories import user_with

D = Decimal


def pcts(*values):
    return [{"percentage": D(v)} for v in values]


def test_three_thirds_of_100():
    assert allocate(D("100.00"), pcts("33.3333", "33.3333", "33.3334")) == [
        D("33.33"),
        D("33.33"),
        D("33.34"),
    ]


def test_three_thirds_of_an_awkward_total():
    amounts = allocate(D("100.01"), pcts("33.3333", "33.3333", "33.3334"))
    assert amounts == [D("33.34"), D("33.34"), D("33.33")]
    assert sum(amounts) == D("100.01")


def test_thirty_seventy():
    assert allocate(D("12345.67"), pcts("30", "70")) == [D("3703.70"), D("8641.97")]


def test_mixed_fixed_amount_and_percentages():
    plan = [{"amount": D("100.00")}, {"percentage": D("45")}, {"percentage": D("45")}]
    # 100 + 45 % + 45 % of 1000 = 1000: covered, so the last percentage takes the remainder
    assert allocate(D("1000.00"), plan) == [D("100.00"), D("450.00"), D("450.00")]


def test_a_plan_that_does_not_cover_the_total_is_not_adjusted():
    assert sum(allocate(D("100.00"), pcts("30", "60"))) == D("90.00")


def test_seven_sevenths():
    shares = ["14.2857"] * 6 + ["14.2858"]
    amounts = allocate(D("1000.00"), pcts(*shares))
    assert sum(amounts) == D("1000.00")
    assert amounts[:6] == [D("142.86")] * 6 and amounts[6] == D("142.84")


@st.composite
def splits(draw):
    """A total and a list of percentages (4 places) summing to exactly 100."""
    total = draw(st.decimals(min_value=D("0.01"), max_value=D("999999999.99"), places=2))
    n = draw(st.integers(min_value=1, max_value=12))
    cuts = sorted(draw(st.lists(st.integers(0, 1_000_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 1_000_000]
    shares = [D(b - a) / D(10000) for a, b in zip(bounds, bounds[1:], strict=False)]
    return total, shares


@settings(max_examples=300, deadline=None)
@given(splits())
def test_any_split_sums_exactly_to_the_total(case):
    total, shares = case
    amounts = allocate(total, pcts(*shares))
    assert sum(amounts) == total
    assert all(a == a.quantize(D("0.01")) for a in amounts)
    # every milestone is within a cent per milestone of its exact share
    for amount, share in zip(amounts, shares, strict=True):
        assert abs(amount - total * share / 100) <= D("0.01") * len(shares)


# --- the API -----------------------------------------------------------------------------------


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def plan_url(contract):
    return f"/api/v1/contracts/{contract.pk}/payment-plan/"


@pytest.mark.django_db
def test_sales_support_sets_a_30_70_plan():
    support = user_with("sales_support")
    contract = draft_contract(solution_owner=support, unit_price="12345.67", plan=False)
    response = client_for(support).put(
        plan_url(contract),
        {
            "milestones": [
                {"name": "Deposit", "percentage": "30", "trigger": "on_signing"},
                {
                    "name": "On delivery",
                    "percentage": "70",
                    "trigger": "on_delivery",
                    "payment_terms_days": 45,
                },
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["amount"] for m in body["milestones"]] == ["3703.70", "8641.97"]
    assert body["planned_total"] == body["total"] == "12345.67"
    assert body["milestones"][1]["payment_terms_days"] == 45


@pytest.mark.django_db
def test_three_thirds_through_the_api():
    contract = draft_contract(unit_price="100.00", plan=False)
    milestones = [
        {"percentage": p, "trigger": "on_signing"} for p in ("33.3333", "33.3333", "33.3334")
    ]
    response = client_for(contract.owner).put(
        plan_url(contract), {"milestones": milestones}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [m["amount"] for m in response.json()["milestones"]] == ["33.33", "33.33", "33.34"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "milestones,needle",
    [
        ([{"percentage": "30", "trigger": "on_signing"}], "difference 700.00"),
        ([{"amount": "999.99", "trigger": "on_signing"}], "difference 0.01"),
        ([{"amount": "600", "percentage": "60", "trigger": "on_signing"}], "one of them"),
        ([{"percentage": "100", "trigger": "on_date"}], "needs the date"),
        ([], "at least one"),
    ],
)
def test_a_bad_plan_is_refused_with_the_reason_and_nothing_changes(milestones, needle):
    contract = draft_contract(plan=True)
    before = list(contract.milestones.values_list("pk", "amount"))
    response = client_for(contract.owner).put(
        plan_url(contract), {"milestones": milestones}, format="json"
    )
    assert response.status_code == 400
    assert needle in str(response.json())
    assert list(contract.milestones.values_list("pk", "amount")) == before


@pytest.mark.django_db
def test_on_date_milestone_with_a_date_and_fixed_amounts():
    contract = draft_contract(plan=False)
    response = client_for(contract.owner).put(
        plan_url(contract),
        {
            "milestones": [
                {"amount": "250.00", "trigger": "on_signing"},
                {"amount": "750.00", "trigger": "on_date", "due_date": "2027-01-31"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["milestones"][1]["due_date"] == "2027-01-31"


@pytest.mark.django_db
def test_only_the_owners_set_the_plan():
    contract = draft_contract()
    for role in ("finance", "operations", "manager"):
        response = client_for(user_with(role)).put(
            plan_url(contract),
            {"milestones": [{"percentage": "100", "trigger": "on_signing"}]},
            format="json",
        )
        assert response.status_code == 403
