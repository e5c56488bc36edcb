"""Panels a later stage adds to an earlier stage's record page, without the earlier stage
knowing it (e.g. billing's planned/invoiced/collected table on the contract page, the
account's leads on the account page).

A stage declares `panels={"contracts.Contract": ("billing/includes/milestone_billing.html",)}`
in its AppConfig (ltc/wiring.py); an entry may be `(template, "app.selectors.func")` where
`func(record=..., user=...) -> dict` gives the data the panel shows. The record page renders
`{% record_panels record %}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: Callable[..., dict] | None = None


# model label (lower case) -> panels
PANELS: dict[str, list[Panel]] = {}


def panels_for(record) -> list[Panel]:
    return list(PANELS.get(record._meta.label_lower, ()))
