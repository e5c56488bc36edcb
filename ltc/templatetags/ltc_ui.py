"""Template helpers for the browser UI: state badges, money, Bootstrap form widgets, paging
links and the small generic bits the shared record includes (history, activities,
transitions) need to work for any model."""

from decimal import Decimal, InvalidOperation

from django import forms, template
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ltc.transitions import state_field

# One money format for pages, documents and notifications.
from notifications.messages import format_money

register = template.Library()

# Navigation icons (Bootstrap Icons) by the first segment of the item's URL; a nav item may
# also carry its own "icon".
NAV_ICONS = {
    "settings/rules": "bi-sliders",
    "": "bi-inbox",
    "imports": "bi-upload",
    "leads": "bi-funnel",
    "opportunities": "bi-bullseye",
    "contracts": "bi-file-earmark-text",
    "orders": "bi-box-seam",
    "billing": "bi-receipt",
    "feedback": "bi-chat-heart",
    "kpis": "bi-graph-up",
    "kpis/forecast": "bi-calendar3-range",
    "dashboard": "bi-graph-up",
    "customers/accounts": "bi-building",
    "customers/contacts": "bi-person-lines-fill",
    "catalog": "bi-tags",
    "activities": "bi-calendar-check",
    "roles": "bi-shield-lock",
    "notifications": "bi-bell",
    "service/tickets": "bi-headset",
    "service/flags": "bi-exclamation-diamond",
    "service/feedback": "bi-chat-square-text",
    "service/surveys": "bi-emoji-smile",
    "service": "bi-headset",
    "pool": "bi-water",
    "company": "bi-briefcase",
    "handoffs": "bi-stopwatch",
    "bots": "bi-robot",
    "billing/reports": "bi-hourglass-split",
    "billing/payments": "bi-cash-coin",
    "billing/bank": "bi-bank",
    "billing/statements": "bi-journal-text",
}

ACTIVITY_ICONS = {
    "call": "bi-telephone",
    "meeting": "bi-people",
    "email": "bi-envelope",
    "task": "bi-check2-square",
    "note": "bi-sticky",
}


@register.filter
def money(value, currency=""):
    """`{{ amount|money:currency }}` → "¥250,000.00"; empty for None."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return format_money(amount, currency)


def _state(record):
    try:
        field = state_field(type(record))
    except TypeError:
        return None, None
    value = getattr(record, field.attname, None)
    return field, value


@register.simple_tag
def state_label(record, value=None):
    """The display label of `value` (default: the record's current state) in the record's
    state machine; works for any model with an FSM field."""
    field, current = _state(record)
    if field is None:
        return value or ""
    value = current if value is None else value
    return str(dict(field.flatchoices).get(value, value))


@register.simple_tag
def state_badge(record, value=None):
    """A coloured pill for a state; the colour comes from `.state-<value>` in app.css."""
    field, current = _state(record)
    if field is None:
        return ""
    value = current if value is None else value
    label = dict(field.flatchoices).get(value, value)
    return format_html(
        '<span class="badge-state state-{}"><span class="dot"></span>{}</span>', value, label
    )


@register.filter
def nav_icon(item):
    icon = item.get("icon") if isinstance(item, dict) else None
    if icon:
        return icon
    url = (item.get("url", "") if isinstance(item, dict) else str(item)).strip("/")
    parts = url.split("/")
    return NAV_ICONS.get("/".join(parts[:2])) or NAV_ICONS.get(parts[0], "bi-circle")


@register.filter
def activity_icon(kind):
    return ACTIVITY_ICONS.get(str(kind), "bi-dot")


@register.filter
def verbose(obj, field_name):
    """`{{ lead|verbose:"company" }}` → the model field's translated verbose name."""
    try:
        return obj._meta.get_field(field_name).verbose_name
    except Exception:
        return field_name


def _css_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.Select | forms.SelectMultiple | forms.NullBooleanSelect):
        return "form-select"
    return "form-control"


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


BLANK = "---------"


def _friendly_empty_choice(field):
    """Show "Choose…" rather than Django's dashes as the empty option of a select."""
    if isinstance(field.widget, forms.SelectMultiple) or not isinstance(field.widget, forms.Select):
        return
    queryset = getattr(field, "queryset", None)
    if queryset is not None and queryset.model is get_user_model():
        field.label_from_instance = display_name  # people by name, not by login
    if getattr(field, "empty_label", None) == BLANK:  # ModelChoiceField
        field.empty_label = _("Choose…")
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] == "" and choices[0][1] == BLANK:
            field.choices = [("", _("Choose…")), *choices[1:]]


@register.simple_tag
def bs_widget(bound_field, size=""):
    """Render a bound field's widget with the Bootstrap class (and is-invalid on errors)."""
    widget = bound_field.field.widget
    _friendly_empty_choice(bound_field.field)
    classes = [_css_class(widget), widget.attrs.get("class", "")]
    if size and classes[0] in ("form-control", "form-select"):
        classes.append(f"{classes[0]}-{size}")
    if bound_field.errors:
        classes.append("is-invalid")
    attrs = {"class": " ".join(c for c in classes if c)}
    # The field's name for assistive technology even where no <label> stands beside it
    # (the compact filter bars of the list pages).
    label = bound_field.label
    if (
        label
        and "aria-label" not in widget.attrs
        and not isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        )
    ):
        attrs["aria-label"] = str(label)
    # A required group of checkboxes must not mark each box required: the browser would then
    # refuse to submit the form until every box is ticked (use_required_attribute says so).
    if (
        bound_field.field.required
        and not isinstance(widget, forms.CheckboxInput)
        and widget.use_required_attribute(bound_field.initial)
    ):
        attrs["required"] = True
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def transition_form(context, transition, record=None):
    """An unbound instance of a transition's form, with ids unique on the page; its record
    choices are only those the viewing user may see."""
    from ltc.forms import VisibleChoicesMixin

    spec = transition["spec"] if isinstance(transition, dict) else transition.spec
    name = transition["name"] if isinstance(transition, dict) else transition.name
    form_class = spec.form_class()
    kwargs = {"auto_id": f"id_t_{name}_%s"}
    record = record if record is not None else context.get("record")
    initial_for = getattr(form_class, "initial_for", None)
    if record is not None and initial_for is not None:
        # a form that declares it opens with what the record already holds
        kwargs["initial"] = initial_for(record)
    if issubclass(form_class, VisibleChoicesMixin):
        request = context.get("request")
        kwargs["user"] = getattr(request, "user", None)
    return form_class(**kwargs)


@register.filter
def has_visible_fields(form):
    return bool(form.visible_fields())


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with `page` replaced, keeping the filters."""
    request = context["request"]
    params = request.GET.copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@register.simple_tag
def user_roles(user):
    from roles.models import Role
    from roles.permissions import role_slugs

    if getattr(user, "is_superuser", False):
        return _("Administrator")
    labels = dict(Role.choices)
    return ", ".join(str(labels[s]) for s in Role.values if s in role_slugs(user))


@register.filter
def initials(user):
    first = (getattr(user, "first_name", "") or "")[:1]
    last = (getattr(user, "last_name", "") or "")[:1]
    return (first + last).upper() or (getattr(user, "username", "?") or "?")[:2].upper()


@register.filter
def display_name(user):
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", str(user))


@register.simple_tag
def page_range(page):
    """Page numbers around the current one, with "…" for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.simple_tag
def transition_label(record, name):
    """The translated label of transition `name` of the record's model."""
    from ltc.transitions import transition_specs

    try:
        specs = transition_specs(type(record))
    except TypeError:
        return name
    for spec in specs:
        if spec.name == name:
            return spec.label
    return name.replace("_", " ")


DANGER = {"disqualify", "lose", "reject", "cancel", "decline", "void", "expire", "terminate"}
SUCCESS = {"convert", "win", "qualify", "approve", "sign", "accept", "pay", "deliver", "resolve"}


@register.filter
def transition_style(name):
    if name in DANGER:
        return "outline-danger"
    if name in SUCCESS:
        return "success"
    return "primary"


@register.filter
def is_past(value):
    from django.utils import timezone

    return bool(value) and value < timezone.now()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def empty_sections(sections):
    """Work-queue sections with nothing waiting."""
    return [s for s in sections if not s["items"]]


@register.filter
def busy_first(sections):
    """Work-queue sections, those with work waiting first (stable order otherwise)."""
    return sorted(sections, key=lambda s: not s["items"])


@register.filter
def has_owner(record):
    """Whether the record's model has an `owner` field (a record without one is never
    "unassigned")."""
    try:
        record._meta.get_field("owner")
    except Exception:
        return False
    return True


@register.simple_tag
def record_changes(record, fields=None):
    """The record's field-level audit for the history panel (ltc.audit), oldest first;
    `fields`: only these fields' changes (what the reader may see)."""
    from ltc.audit import record_changes as changes_of

    entries = changes_of(record)
    if fields in (None, ""):  # not given (an unset template variable is "")
        return entries
    kept = []
    for entry in entries:
        entry.changes = [c for c in entry.changes if c.field in fields]
        if entry.kind == "created" or entry.changes:
            kept.append(entry)
    return kept


@register.simple_tag
def change_value(record, field_name, value):
    """One side of a field change as a reader reads it: yes/no, a choice's label, — for
    nothing; other values as they were kept."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    try:
        field = type(record)._meta.get_field(field_name)
    except FieldDoesNotExist:  # a field since removed: the value as kept
        return value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    return value
