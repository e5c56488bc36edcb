"""The list endpoints' filter backends (ltc.api.query): django-filter's FilterSet is built
only when the request names one of its parameters, ?search= reads terms only when given, and
the unknown-parameter check runs only on a request with parameters. Each still filters,
refuses bad values and unknown names exactly as before."""

import datetime

import pytest
from rest_framework.test import APIClient

from ltc.api import query
from opportunities.tests.factories import opportunity_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

URL = "/api/v1/opportunities/"


@pytest.fixture
def seller_api():
    seller = user_with("sales")
    client = APIClient()
    client.force_authenticate(seller)
    client.seller = seller
    return client


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.content
    return {row["id"] for row in answer.json()["results"]}


@pytest.fixture
def deals(seller_api):
    soon = datetime.date.today() + datetime.timedelta(days=10)
    return {
        "early": opportunity_in("qualification", owner=seller_api.seller, name="Harbor crane"),
        "late": opportunity_in("proposal", owner=seller_api.seller, name="Summit roof"),
        "soon": opportunity_in(
            "proposal", owner=seller_api.seller, name="Cedar mill", expected_close_date=soon
        ),
    }


def test_without_filter_parameters_no_filterset_is_built(seller_api, deals, monkeypatch):
    built = []
    real = query.DjangoFilterBackend.get_filterset

    def counting(self, request, queryset, view):
        built.append(view)
        return real(self, request, queryset, view)

    monkeypatch.setattr(query.DjangoFilterBackend, "get_filterset", counting)
    assert ids(seller_api.get(URL)) == {d.pk for d in deals.values()}
    assert ids(seller_api.get(URL, {"ordering": "amount", "page": 1})) == {
        d.pk for d in deals.values()
    }
    assert built == []
    assert ids(seller_api.get(URL, {"stage": "proposal"})) == {deals["late"].pk, deals["soon"].pk}
    assert len(built) == 1


def test_a_range_parameter_counts_as_a_filter_parameter(seller_api, deals):
    soon = deals["soon"].expected_close_date
    answer = seller_api.get(URL, {"expected_close_date_before": soon.isoformat()})
    assert ids(answer) == {deals["soon"].pk}


def test_a_bad_filter_value_is_still_a_400_that_changes_nothing(seller_api, deals):
    answer = seller_api.get(URL, {"stage": "nonsense"})
    assert answer.status_code == 400
    assert "stage" in answer.json()


def test_search_filters_when_given_and_an_empty_search_lists_everything(seller_api, deals):
    assert ids(seller_api.get(URL, {"search": "harbor"})) == {deals["early"].pk}
    assert ids(seller_api.get(URL, {"search": ""})) == {d.pk for d in deals.values()}


def test_an_unknown_parameter_is_still_refused(seller_api, deals):
    answer = seller_api.get(URL, {"stagee": "proposal"})
    assert answer.status_code == 400
    assert "stagee" in str(answer.json())
