"""Leads, accounts and contacts that look like the lead being created: the same company
name (customers.names), email (case-insensitively) or phone number (customers.phones),
each an indexed equality (company_key, Lower(email), phone_key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Lower

from customers.duplicates import LIMIT, customer_matches
from customers.names import company_key
from customers.phones import phone_key
from ltc.duplicates import Matches

from .models import Lead
from .selectors import lead_list

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def lead_matches(*, user: User, company: str = "", email: str = "", phone: str = "") -> Matches:
    key, email, phone = company_key(company), (email or "").strip().lower(), phone_key(phone)
    matches = Matches()
    rule = Q(pk__in=[])
    if key:
        rule |= Q(company_key=key)
    if email:
        rule |= Q(email_lower=email)
    if phone:
        rule |= Q(phone_key=phone)
    if key or email or phone:
        leads = list(
            Lead.objects.annotate(email_lower=Lower("email")).filter(rule).order_by("pk")[:LIMIT]
        )
        seen = set(
            lead_list(user=user).filter(pk__in=[x.pk for x in leads]).values_list("pk", flat=True)
        )
        for lead in leads:
            fields = set()
            if key and lead.company_key == key:
                fields.add("name")
            if email and (lead.email or "").lower() == email:
                fields.add("email")
            if phone and lead.phone_key == phone:
                fields.add("phone")
            matches.add("lead", lead, fields, visible=lead.pk in seen)
    return customer_matches(user=user, name=company, email=email, phone=phone, matches=matches)
