"""Billing figures for other stages' pages without importing billing from them:
`{% load billing_tags %}{% milestone_billing contract as rows %}` (or include
templates/billing/includes/milestone_billing.html with contract=...)."""

from django import template

from billing.reports import milestone_billing as _milestone_billing
from billing.selectors import sees_money

register = template.Library()


@register.simple_tag(takes_context=True)
def milestone_billing(context, contract):
    """Planned vs invoiced vs collected per milestone, for finance and the manager; an empty
    list for anyone who may not see money."""
    request = context.get("request")
    if request is None or not sees_money(request.user):
        return []
    return _milestone_billing(contract)
