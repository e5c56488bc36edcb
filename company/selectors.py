"""Reads of the company profile."""

from __future__ import annotations

from .models import CompanyProfile


def company_profile() -> CompanyProfile | None:
    """The saved profile, or None before anyone has entered it."""
    return CompanyProfile.objects.filter(pk=1).first()
