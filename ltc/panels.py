"""Panels a later stage adds to an earlier stage's record page, without the earlier stage
knowing it (e.g. billing's planned/invoiced/collected table on the contract page, the
account's leads on the account page).

A stage registers `register("contracts.contract", "billing/includes/milestone_billing.html")`
in its AppConfig.ready, optionally with `context=func(record=..., user=...) -> dict` for the
data the panel shows; the record page renders `{% record_panels record %}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: Callable[..., dict] | None = None


_PANELS: dict[str, list[Panel]] = {}


def register(
    model_label: str, template_name: str, *, context: Callable[..., dict] | None = None
) -> None:
    panels = _PANELS.setdefault(model_label.lower(), [])
    if all(p.template_name != template_name for p in panels):
        panels.append(Panel(template_name, context))


def panels_for(record) -> list[Panel]:
    return list(_PANELS.get(record._meta.label_lower, ()))
