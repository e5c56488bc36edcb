"""A record shared with a user (guardian's view permission on it) is in that user's lists, and
only that permission, held by that user, shares it (roles.permissions.shared_with)."""

import pytest
from guardian.shortcuts import assign_perm

from contracts.selectors import contract_list
from contracts.tests.factories import draft_contract
from opportunities.selectors import opportunity_list, quote_list
from opportunities.tests.factories import OpportunityFactory, QuoteFactory
from orders.selectors import order_list
from orders.tests.factories import order_in
from roles.permissions import forget
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

CASES = [
    ("opportunities", "opportunity", OpportunityFactory, opportunity_list, "sales"),
    ("opportunities", "opportunity", OpportunityFactory, opportunity_list, "sales_support"),
    ("opportunities", "opportunity", OpportunityFactory, opportunity_list, "operations"),
    ("opportunities", "quote", QuoteFactory, quote_list, "sales"),
    ("contracts", "contract", draft_contract, contract_list, "sales"),
    ("contracts", "contract", draft_contract, contract_list, "sales_support"),
    ("orders", "order", order_in, order_list, "sales"),
]


@pytest.mark.parametrize(("app", "model", "make", "listing", "role"), CASES)
def test_only_the_view_permission_held_by_the_user_shares_a_record(app, model, make, listing, role):
    viewer, other = user_with(role), user_with(role)
    record, unshared = make(), make()

    def seen():
        forget(viewer)
        return set(
            listing(user=viewer)
            .filter(pk__in=[record.pk, unshared.pk])
            .values_list("pk", flat=True)
        )

    assert seen() == set()
    assign_perm(f"{app}.change_{model}", viewer, record)
    assign_perm(f"{app}.view_{model}", other, record)
    assert seen() == set()
    assign_perm(f"{app}.view_{model}", viewer, record)
    assert seen() == {record.pk}
