"""The bulk bar of a list page: {% bulk_bar "opportunities" %} inside the list's
<form data-bulk> whose row checkboxes are named `ids`. It offers only what the list declares
(ltc.bulk) and the caller may choose: the people they may assign, the list's transitions."""

from django import template

from ltc.bulk import get

register = template.Library()


@register.inclusion_tag("includes/bulk_bar.html", takes_context=True)
def bulk_bar(context, name):
    request = context["request"]
    user = request.user
    spec = get(name)
    if spec is None:
        return {"spec": None}
    model = spec.model(user)
    actions = spec.actions()
    return {
        "spec": spec,
        "request": request,
        "owners": list(spec.owner_choices(user)) if "assign_owner" in actions else [],
        "members": list(spec.team_choices(user)) if "add_to_team" in actions else [],
        "transitions": spec.transition_choices(model),
        "tags": "tag" in actions,
        "export": spec.export,
    }
