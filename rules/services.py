"""Changing the business rules: one transaction per save, each change recorded."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from roles.policies import require

from . import specs, store
from .models import Rule, RuleChange


def save_rules(*, user: User, values: dict[str, Any]) -> list[RuleChange]:
    """Set each rule of `values` ({key: canonical value}, from a valid form of rules.forms)
    whose value differs from the one in force; record who changed what, from what to what.
    Every process reads the new values from its next read on."""
    require(user, "rules.edit")
    with transaction.atomic():
        saved = {rule.key: rule for rule in Rule.objects.select_for_update().filter(key__in=values)}
        changes = []
        for key, new in values.items():
            spec = specs.spec_for(key)  # an unknown key fails here
            new = spec.canonical(new)
            old = saved[key].value if key in saved else specs.default(key)
            if old == new:
                continue
            if key in saved:
                saved[key].value, saved[key].updated_by = new, user
                saved[key].save(update_fields=["value", "updated_by", "updated_at"])
            else:
                Rule.objects.create(key=key, value=new, updated_by=user)
            changes.append(RuleChange(key=key, old_value=old, new_value=new, changed_by=user))
        if changes:
            RuleChange.objects.bulk_create(changes)
            store.changed()
            transaction.on_commit(store.changed)
    return changes
