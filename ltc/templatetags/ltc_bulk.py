"""The bulk bar of a list page: {% bulk_bar "opportunities" %} inside the list's
<form data-bulk> whose row checkboxes are named `ids`. It offers only what the list declares
(ltc.bulk) and the caller's role may use (`BulkList.offer`): the people they may assign, the
transitions their role runs, with the chosen transition's own fields, tagging, exporting.
`{% bulk_offer "leads" as bulk %}` gives the same offer to a list template, which shows the
row checkboxes only when `bulk.any`."""

from django import template

from ltc.bulk import get, transition_form

register = template.Library()


def _offer(context, name):
    """The offer, computed once per request and list name (the tag and the list both ask)."""
    request = context["request"]
    cache = getattr(request, "_ltc_bulk_offers", None)
    if cache is None:
        cache = request._ltc_bulk_offers = {}
    if name not in cache:
        spec = get(name)
        cache[name] = (spec, spec.offer(request.user) if spec is not None else {"any": False})
    return cache[name]


@register.simple_tag(takes_context=True)
def bulk_offer(context, name):
    return _offer(context, name)[1]


@register.inclusion_tag("includes/bulk_bar.html", takes_context=True)
def bulk_bar(context, name, extra="", export=True):
    """`extra`: a template of the list's own buttons to put in the bar (e.g. round-robin);
    `export=False` on a page that does not export (a work queue)."""
    request = context["request"]
    spec, offer = _offer(context, name)
    if spec is None or not offer["any"]:
        return {"spec": None}
    transitions = offer["transitions"]
    first = transitions[0][0] if transitions else ""
    return {
        "spec": spec,
        "request": request,
        **offer,
        "export": offer["export"] and export,
        "fields_form": transition_form(spec, first, request.user) if first else None,
        "extra": extra,
    }


@register.filter
def is_file(bound_field) -> bool:
    from django import forms

    return isinstance(bound_field.field, forms.FileField)
