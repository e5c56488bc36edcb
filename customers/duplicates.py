"""Accounts and contacts that look like the one being created: the same company name
(customers.names), email (case-insensitively) or phone number (customers.phones). Every
look-up is an indexed equality (name_key, Lower(email), phone_key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Lower

from ltc.duplicates import Matches

from .models import Account, Contact
from .names import company_key
from .phones import phone_key
from .selectors import account_list, contact_list

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Enough to recognise the customer; a longer list would not help the person deciding.
LIMIT = 10


def _matched_fields(record, *, name_key: str, email: str, phone: str) -> set[str]:
    found = set()
    if name_key and getattr(record, "name_key", None) == name_key:
        found.add("name")
    if email and (record.email or "").lower() == email:
        found.add("email")
    if phone and record.phone_key == phone:
        found.add("phone")
    return found


def customer_matches(
    *,
    user: User,
    name: str = "",
    email: str = "",
    phone: str = "",
    matches: Matches | None = None,
    exclude_account: int | None = None,
) -> Matches:
    """Accounts matching the company name, email or phone, and contacts matching the email
    or phone; those the user may not see are only counted."""
    matches = matches if matches is not None else Matches()
    key, email, phone = company_key(name), (email or "").strip().lower(), phone_key(phone)
    rule = Q(pk__in=[])
    if key:
        rule |= Q(name_key=key)
    if email:
        rule |= Q(email_lower=email)
    if phone:
        rule |= Q(phone_key=phone)
    if key or email or phone:
        accounts = list(
            Account.objects.annotate(email_lower=Lower("email"))
            .filter(rule)
            .exclude(pk=exclude_account)
            .order_by("pk")[:LIMIT]
        )
        seen = set(
            account_list(user=user)
            .filter(pk__in=[a.pk for a in accounts])
            .values_list("pk", flat=True)
        )
        for account in accounts:
            fields = _matched_fields(account, name_key=key, email=email, phone=phone)
            matches.add("account", account, fields, visible=account.pk in seen)
    rule = Q(pk__in=[])
    if email:
        rule |= Q(email_lower=email)
    if phone:
        rule |= Q(phone_key=phone)
    if email or phone:
        contacts = list(
            Contact.objects.annotate(email_lower=Lower("email"))
            .filter(rule)
            .exclude(account_id=exclude_account)
            .order_by("pk")[:LIMIT]
        )
        seen = set(
            contact_list(user=user)
            .filter(pk__in=[c.pk for c in contacts])
            .values_list("pk", flat=True)
        )
        for contact in contacts:
            fields = _matched_fields(contact, name_key="", email=email, phone=phone)
            matches.add("contact", contact, fields, visible=contact.pk in seen)
    return matches
