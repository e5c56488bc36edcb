"""Writes of the company profile."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

from roles.policies import require

from .models import CompanyProfile
from .validators import normalise_tax_id

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIELDS = (
    "legal_name",
    "english_name",
    "address",
    "english_address",
    "tax_id",
    "phone",
    "bank_name",
    "bank_account",
    "logo",
    "seal",
    "quote_terms",
)


@transaction.atomic
def company_profile_save(*, user: User, **fields) -> CompanyProfile:
    """Managers and administrators keep the one profile; a logo or seal given as False is
    removed, one not given is kept."""
    require(user, "company.settings")
    profile = CompanyProfile.objects.select_for_update().filter(pk=1).first()
    profile = profile or CompanyProfile(pk=1)
    replaced = []
    for name in FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if name in ("logo", "seal"):
            old = getattr(profile, name)
            if value is None:
                continue
            if old and old.name:
                replaced.append(old.name)
            if value is False:
                value = ""
        if name == "tax_id":
            value = normalise_tax_id(value)
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    storage = CompanyProfile._meta.get_field("logo").storage
    kept = {profile.logo.name, profile.seal.name}
    for name in replaced:
        if name not in kept:
            transaction.on_commit(partial(storage.delete, name))
    return profile
