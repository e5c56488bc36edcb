"""The role matrix, generated from the state machines: what is shown is what is enforced."""

from django.apps import apps

from roles.models import SYSTEM, Role

from .transitions import state_field, transition_specs


def fsm_models():
    found = []
    for model in apps.get_models():
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
        tables.append({"model": model._meta.verbose_name, "field": field.name, "rows": rows})
    return tables
