"""Tickets in any state, and surveys with their signed link."""

from __future__ import annotations

from django.utils import timezone

from customers.tests.factories import AccountFactory, ContactFactory
from feedback.models import Survey, Ticket, role_for_category
from feedback.services import survey_send


def ticket_in(status: str = "open", *, category="other", priority="normal", **kwargs) -> Ticket:
    """A ticket already in `status` (fixture shortcut; the rules are tested separately)."""
    account = kwargs.pop("account", None) or AccountFactory()
    fields = {
        "subject": "Printer does not start",
        "account": account,
        "category": category,
        "priority": priority,
        "assigned_role": role_for_category(category),
        **kwargs,
    }
    ticket = Ticket.objects.create(**fields)
    extra = {"status": status}
    if status != "open":
        extra["first_response_at"] = timezone.now()
    if status in ("resolved", "closed"):
        extra["resolved_at"] = timezone.now()
        extra["resolution"] = "Replaced the fuser."
    Ticket.objects.filter(pk=ticket.pk).update(**extra)
    ticket.refresh_from_db()
    return ticket


def survey_for(kind="nps", *, language="en", email="buyer@example.com", **kwargs) -> Survey:
    account = kwargs.pop("account", None) or AccountFactory()
    contact = ContactFactory(account=account, email=email, language=language)
    return survey_send(kind=kind, account=account, contact=contact, **kwargs)
