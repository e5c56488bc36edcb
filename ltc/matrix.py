"""The role matrix, generated from the state machines and the declared action policies: what
is shown is what is enforced."""

from django.apps import apps

from roles.models import SYSTEM, Role

from .transitions import state_field, transition_specs


def fsm_models():
    found = []
    for model in apps.get_models():
        if any(f.name == "history_id" for f in model._meta.concrete_fields):
            continue  # simple-history's audit copy of a record: no transitions of its own
        try:
            state_field(model)
        except TypeError:
            continue
        found.append(model)
    return found


def role_matrix() -> list[dict]:
    tables = []
    for model in fsm_models():
        field = state_field(model)
        labels = dict(field.choices or [])
        rows = []
        for spec in transition_specs(model):
            rows.append(
                {
                    "name": spec.name,
                    "label": spec.label,
                    "sources": [str(labels.get(s, s)) for s in spec.sources],
                    "target": str(labels.get(spec.targets[0], spec.targets[0])),
                    "roles": {r: r in spec.roles for r in Role.values},
                    "system": SYSTEM in spec.roles,
                    "owner_only": spec.owner_only,
                }
            )
        tables.append(
            {
                "model": model._meta.verbose_name,
                "app_label": model._meta.app_label,
                "field": field.name,
                "field_label": field.verbose_name,
                "rows": rows,
            }
        )
    return tables


def matrix_sections() -> list[dict]:
    """Per app, in the order of INSTALLED_APPS: its state machines, then its declared
    policies for the actions that are not transitions (roles/policies.py)."""
    from roles.policies import policy_tables

    state_tables = role_matrix()
    policies = {t["app_label"]: t for t in policy_tables()}
    sections = []
    for config in apps.get_app_configs():
        tables = [t for t in state_tables if t["app_label"] == config.label]
        if tables or config.label in policies:
            sections.append(
                {
                    "app_label": config.label,
                    "app": config.verbose_name,
                    "tables": tables,
                    "policies": policies.get(config.label),
                }
            )
    return sections
