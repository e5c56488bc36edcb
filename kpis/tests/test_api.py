"""GET /api/v1/kpis/ and /api/v1/targets/: values, scoping, bad input, query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kpis.models import KpiSnapshot, Target
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db
URL = "/api/v1/kpis/"
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def people():
    s1, s2, s3 = (user_with("sales") for _ in range(3))
    lead = user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(lead, s1, s2)
    other = TeamFactory()
    other.members.add(s3)
    manager = user_with("manager")
    for user, n, d in ((s1, 3, 4), (s2, 1, 4), (s3, 2, 2), (lead, 0, 0)):
        for day in (DAY, DAY + datetime.timedelta(days=15)):
            KpiSnapshot.objects.create(
                day=day, owner=user, team=team if user != s3 else other, metric="win_rate",
                numerator=n, denominator=d,
            )  # fmt: skip
            KpiSnapshot.objects.create(
                day=day, owner=user, team=team if user != s3 else other, metric="bookings",
                currency="CNY", numerator=Decimal("100.50") * (n + 1), denominator=1,
            )  # fmt: skip
    return {"s1": s1, "s2": s2, "s3": s3, "lead": lead, "team": team, "other": other,
            "manager": manager}  # fmt: skip


def get(user, **params):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(URL, {"from": "2026-01-01", "to": "2026-06-30", **params})


def test_ratio_is_sum_of_numerators_over_sum_of_denominators(people):
    r = get(people["manager"], metric="win_rate", group_by="month")
    assert r.status_code == 200, r.content
    march = next(v for v in r.json()["values"] if v["period"] == "2026-03-01")
    assert Decimal(march["numerator"]) == 12 and Decimal(march["denominator"]) == 20
    assert Decimal(march["value"]) == Decimal("60.00")  # not the average of 75, 25, 100
    assert len(r.json()["values"]) == 1
    weeks = get(people["manager"], metric="win_rate", group_by="week").json()["values"]
    assert [(v["period"], Decimal(v["denominator"])) for v in weeks] == [
        ("2026-03-09", 10),
        ("2026-03-23", 10),
    ]


def test_salesperson_sees_only_own_rows(people):
    r = get(people["s1"], metric="win_rate", group_by="quarter")
    assert [Decimal(v["numerator"]) for v in r.json()["values"]] == [6]
    assert get(people["s1"], metric="win_rate", owner=people["s2"].pk).status_code == 400
    r = get(people["s1"], metric="win_rate", team=people["team"].pk)
    assert r.status_code == 400 and "team" in r.json()


def test_team_lead_sees_the_team(people):
    r = get(people["lead"], metric="win_rate", group_by="quarter")
    assert [Decimal(v["numerator"]) for v in r.json()["values"]] == [8]  # 3+1 twice
    assert get(people["lead"], metric="win_rate", owner=people["s2"].pk).status_code == 200
    r = get(people["lead"], metric="win_rate", team=people["other"].pk)
    assert r.status_code == 400 and "team" in r.json()
    r = get(people["lead"], metric="win_rate", owner=people["s3"].pk)
    assert r.status_code == 400 and "owner" in r.json()


def test_manager_filters_by_team_and_owner(people):
    r = get(people["manager"], metric="bookings", group_by="quarter", team=people["other"].pk)
    assert [Decimal(v["numerator"]) for v in r.json()["values"]] == [Decimal("603.00")]
    r = get(people["manager"], metric="bookings", group_by="quarter", owner=people["s2"].pk)
    assert [Decimal(v["numerator"]) for v in r.json()["values"]] == [Decimal("402.00")]
    assert r.json()["values"][0]["currency"] == "CNY"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"metric": "nope"}, "metric"),
        ({"metric": "win_rate", "from": "2026-13-01"}, "from"),
        ({"metric": "win_rate", "from": "2026-07-01"}, "to"),
        ({"metric": "win_rate", "to": "yesterday"}, "to"),
        ({"metric": "win_rate", "group_by": "year"}, "group_by"),
        ({"metric": "win_rate", "team": "x"}, "team"),
        ({"metric": "win_rate", "team": "999999"}, "team"),
        ({"metric": "win_rate", "owner": "999999"}, "owner"),
        ({"metric": "win_rate", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_parameter(people, params, field):
    r = get(people["manager"], **params)
    assert r.status_code == 400
    assert field in r.json()


def test_query_count_is_bounded(people, django_assert_max_num_queries):
    for metric in ("win_rate", "dso", "cei", "ar_open"):
        with django_assert_max_num_queries(8):
            r = get(people["lead"], metric=metric, group_by="day")
        assert r.status_code == 200


def test_targets_managers_write_others_read(people):
    client = APIClient()
    client.force_authenticate(people["manager"])
    body = {
        "owner": people["s1"].pk, "period_kind": "month", "period_start": "2026-03-01",
        "metric": "bookings", "value": "5000.00", "currency": "CNY",
    }  # fmt: skip
    r = client.post("/api/v1/targets/", body, format="json")
    assert r.status_code == 201, r.content
    again = client.post("/api/v1/targets/", body, format="json")
    assert again.status_code == 400 and "metric" in again.json()
    for bad in ("-1", "abc"):
        r = client.post(
            "/api/v1/targets/", {**body, "value": bad, "metric": "collected"}, format="json"
        )
        assert r.status_code == 400 and "value" in r.json()
    r = client.post(
        "/api/v1/targets/", {**body, "period_start": "2026-03-02", "metric": "collected"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400 and "period_start" in r.json()
    target = Target.objects.get()
    r = client.patch(f"/api/v1/targets/{target.pk}/", {"value": "6000"}, format="json")
    assert r.status_code == 200 and Decimal(r.json()["value"]) == 6000
    assert Target.objects.count() == 1

    sales = APIClient()
    sales.force_authenticate(people["s1"])
    assert sales.post("/api/v1/targets/", body, format="json").status_code == 403
    assert [t["id"] for t in sales.get("/api/v1/targets/").json()["results"]] == [target.pk]
    other = APIClient()
    other.force_authenticate(people["s2"])
    assert other.get("/api/v1/targets/").json()["results"] == []


def test_openapi_documents_the_endpoints(people):
    client = APIClient()
    client.force_authenticate(people["manager"])
    r = client.get("/api/schema/", {"format": "json"})
    paths = r.json()["paths"] if r["content-type"].startswith("application/json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(r.content)["paths"]
    assert "/api/v1/kpis/" in paths and "/api/v1/targets/" in paths
    names = {p["name"] for p in paths["/api/v1/kpis/"]["get"]["parameters"]}
    assert {"metric", "from", "to", "group_by", "team", "owner"} <= names
