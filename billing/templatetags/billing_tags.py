"""Billing figures for other stages' pages without importing billing from them:
`{% load billing_tags %}{% milestone_billing contract as rows %}` (or include
templates/billing/includes/milestone_billing.html with contract=...)."""

from django import template

from billing.reports import milestone_billing as _milestone_billing
from billing.selectors import sees_money
from roles.permissions import has_role

register = template.Library()


@register.simple_tag(takes_context=True)
def milestone_billing(context, contract):
    """Planned vs invoiced vs collected per milestone, for finance and the manager; an empty
    list for anyone who may not see money."""
    request = context.get("request")
    if request is None or not sees_money(request.user):
        return []
    rows = _milestone_billing(contract)
    # Finance may raise by hand the invoice of a signed contract's un-invoiced milestone.
    can_raise = (
        has_role(request.user, "finance")
        and contract.status == "signed"
        and not contract.superseded
    )
    for row in rows:
        row["can_raise"] = can_raise and not row["invoices"]
    return rows
