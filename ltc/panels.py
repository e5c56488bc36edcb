"""Panels a later stage adds to an earlier stage's record page, without the earlier stage
knowing it (e.g. billing's planned/invoiced/collected table on the contract page).

A stage declares `panels={"contracts.Contract": ("billing/includes/milestone_billing.html",)}`
in its AppConfig (ltc/wiring.py); the record page renders `{% record_panels record %}`."""

# model label (lower case) -> templates
PANELS: dict[str, list[str]] = {}


def panels_for(record) -> list[str]:
    return list(PANELS.get(record._meta.label_lower, ()))
