"""Panels a later stage adds to an earlier stage's record page, without the earlier stage
knowing it (e.g. billing's planned/invoiced/collected table on the contract page).

A stage registers `register("contracts.contract", "billing/includes/milestone_billing.html")`
in its AppConfig.ready; the record page renders `{% record_panels record %}`."""

_PANELS: dict[str, list[str]] = {}


def register(model_label: str, template_name: str) -> None:
    templates = _PANELS.setdefault(model_label.lower(), [])
    if template_name not in templates:
        templates.append(template_name)


def panels_for(record) -> list[str]:
    return list(_PANELS.get(record._meta.label_lower, ()))
