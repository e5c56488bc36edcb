"""Browser forms: a field definition (the managers' page), and the custom fields of a record
generated from the live definitions and added to that record's own form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ltc.forms import VisibleChoicesMixin
from roles.models import Role

from . import values as value_rules
from .models import FieldType, Record, record_of
from .selectors import editable_definitions
from .services import clean_values, transition_names

PREFIX = "cf_"
CURRENCY_SUFFIX = "__currency"


class DefinitionForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_(
            "Its name in the API, imports and filters: lower-case letters, digits and "
            "underscores (e.g. industry). It cannot change later."
        ),
    )
    label_zh = forms.CharField(label=_("Label (Chinese)"), max_length=80, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=80, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a single or multiple choice: one choice per line."),
    )
    required = forms.BooleanField(
        label=_("Required when saving the record"),
        required=False,
        help_text=_("A person who may edit the field must fill it in."),
    )
    required_for = forms.MultipleChoiceField(
        label=_("Needed for these steps"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The step is refused while the field is empty."),
    )
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    view_roles = forms.MultipleChoiceField(
        label=_("Roles that may see it"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role that sees the record."),
    )
    edit_roles = forms.MultipleChoiceField(
        label=_("Roles that may edit it"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role that may edit the record (and see the field)."),
    )
    in_list = forms.BooleanField(label=_("Show as a list column"), required=False)

    def __init__(self, *args, record: str, definition=None, **kwargs):
        if definition is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "key": definition.key,
                "label_zh": definition.label_zh,
                "label_en": definition.label_en,
                "type": definition.type,
                "choices": "\n".join(definition.choices),
                "required": definition.required,
                "required_for": definition.required_for,
                "help_text": definition.help_text,
                "order": definition.order,
                "view_roles": definition.view_roles,
                "edit_roles": definition.edit_roles,
                "in_list": definition.in_list,
            }
        super().__init__(*args, **kwargs)
        self.record = record
        self.definition = definition
        steps = transition_names(record)
        if steps:
            self.fields["required_for"].choices = steps
        else:
            del self.fields["required_for"]
        if definition is not None:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key cannot change.")

    @property
    def record_label(self):
        return Record(self.record).label

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        lines = (data.pop("choices") or "").splitlines()
        data["choices"] = [line.strip() for line in lines if line.strip()]
        data["view_roles"] = list(data.get("view_roles") or [])
        data["edit_roles"] = list(data.get("edit_roles") or [])
        data["required_for"] = list(data.get("required_for") or [])
        if self.definition is not None:
            data.pop("key", None)
        return data


# --- a record's custom fields -------------------------------------------------------------------


def _user_choices():
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [("", "---------")] + [(str(u.pk), u.get_full_name() or u.get_username()) for u in users]


def form_field(definition, *, initial=None) -> list[tuple[str, forms.Field]]:
    """(name, field) pairs of one definition: one field, or two for money (amount, currency)."""
    kind = definition.type
    common = {
        "label": definition.label,
        "required": definition.required,
        "help_text": definition.help_text,
    }
    name = PREFIX + definition.key
    if kind == FieldType.TEXT:
        field: forms.Field = forms.CharField(max_length=value_rules.TEXT_MAX, **common)
    elif kind == FieldType.LONG_TEXT:
        field = forms.CharField(
            max_length=value_rules.LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    elif kind == FieldType.INTEGER:
        limit = value_rules.INTEGER_LIMIT - 1
        field = forms.IntegerField(min_value=-limit, max_value=limit, **common)
    elif kind == FieldType.DECIMAL:
        field = forms.DecimalField(
            max_digits=value_rules.DECIMAL_DIGITS,
            decimal_places=value_rules.DECIMAL_PLACES,
            **common,
        )
    elif kind == FieldType.MONEY:
        amount = forms.DecimalField(max_digits=14, decimal_places=2, **common)
        currency = forms.ChoiceField(
            label=_("Currency"),
            required=False,
            choices=[(c, c) for c in settings.LTC["CURRENCIES"]],
        )
        return [(name, amount), (name + CURRENCY_SUFFIX, currency)]
    elif kind == FieldType.DATE:
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    elif kind == FieldType.CHOICE:
        field = forms.ChoiceField(
            choices=[("", "---------")] + [(c, c) for c in definition.choices], **common
        )
    elif kind == FieldType.MULTI_CHOICE:
        field = forms.MultipleChoiceField(
            choices=[(c, c) for c in definition.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    elif kind == FieldType.USER:
        field = forms.TypedChoiceField(
            choices=_user_choices, coerce=int, empty_value=None, **common
        )
    else:
        field = forms.TypedChoiceField(
            choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))],
            coerce=lambda v: v == "true",
            empty_value=None,
            **common,
        )
    return [(name, field)]


def initial_of(definition, value) -> dict:
    name = PREFIX + definition.key
    if value_rules.is_empty(value):
        return {}
    kind = definition.type
    if kind == FieldType.MONEY and isinstance(value, dict):
        return {name: value.get("amount"), name + CURRENCY_SUFFIX: value.get("currency")}
    if kind == FieldType.BOOLEAN:
        return {name: "true" if value else "false"}
    if kind == FieldType.USER:
        return {name: str(value)}
    return {name: value}


def _as_input(definition, cleaned: dict):
    name = PREFIX + definition.key
    value = cleaned.get(name)
    if definition.type == FieldType.MONEY:
        if value is None:
            return None
        return {"amount": str(value), "currency": cleaned.get(name + CURRENCY_SUFFIX) or None}
    if definition.type == FieldType.MULTI_CHOICE:
        return list(value or [])
    return value


class CustomFieldsFormMixin:
    """Adds the record's custom fields (those `user` may edit) to a ModelForm or Form, named
    `cf_<key>`; cleaned, they become `cleaned_data["custom"]` ({key: value}, None for an
    emptied field) and the `cf_` entries leave cleaned_data, so the view hands `custom` to
    the stage's service with the other fields. Pass `user=` (and `custom_model=` for a form
    that is not a ModelForm)."""

    custom_model = None

    def __init__(self, *args, **kwargs):
        keeps_user = isinstance(self, VisibleChoicesMixin)
        user = kwargs.get("user") if keeps_user else kwargs.pop("user", None)
        model = kwargs.pop("custom_model", None) or self.custom_model
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if model is None:
            model = type(instance) if instance is not None else self._meta.model  # type: ignore[attr-defined]
        self.custom_user = user
        self.custom_record = record_of(model)
        values = (instance.custom or {}) if instance is not None and instance.pk else {}
        self.custom_definitions = editable_definitions(self.custom_record, user) if user else []
        for definition in self.custom_definitions:
            for name, field in form_field(definition):
                self.fields[name] = field  # type: ignore[attr-defined]
            if not self.is_bound:  # type: ignore[attr-defined]
                self.initial.update(initial_of(definition, values.get(definition.key)))  # type: ignore[attr-defined]

    @property
    def custom_field_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith(PREFIX)]  # type: ignore[attr-defined]

    def custom_bound_fields(self):
        return [self[name] for name in self.custom_field_names]  # type: ignore[index]

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        if cleaned is None:
            cleaned = self.cleaned_data  # type: ignore[attr-defined]
        data = {}
        for definition in self.custom_definitions:
            name = PREFIX + definition.key
            if name in self.errors:  # type: ignore[attr-defined]
                continue
            data[definition.key] = _as_input(definition, cleaned)
        for name in self.custom_field_names:
            cleaned.pop(name, None)
        if not self.custom_definitions:
            return cleaned
        values, errors = clean_values(self.custom_record, data, self.custom_user, partial=True)
        for key, messages in errors.items():
            for message in messages:
                self.add_error(PREFIX + key if PREFIX + key in self.fields else None, message)  # type: ignore[attr-defined]
        cleaned["custom"] = values
        return cleaned


# --- list filters -------------------------------------------------------------------------------


def filter_field(definition) -> forms.Field:
    """A compact filter input for one field: a select for choices and yes/no, else text."""
    label = definition.label
    if definition.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("Any %(field)s") % {"field": label})]
            + [(c, c) for c in definition.choices],
        )
    if definition.type == FieldType.BOOLEAN:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[
                ("", _("Any %(field)s") % {"field": label}),
                ("yes", _("Yes")),
                ("no", _("No")),
            ],
        )
    if definition.type == FieldType.USER:
        return forms.ChoiceField(label=label, required=False, choices=_user_choices)
    widget = forms.TextInput(attrs={"placeholder": label})
    if definition.type == FieldType.DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    return forms.CharField(label=label, required=False, widget=widget)


class CustomFilterFormMixin:
    """Adds a `cf_<key>` filter to a list's filter form for each custom field of its record
    that `user` may see (every live field without a user: the names a saved view may use).
    `filter_custom(queryset)` applies the valid ones (customfields.filters)."""

    custom_model = None

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import live_definitions, visible_definitions

        record = record_of(self.custom_model)
        self.custom_user = user
        self.custom_definitions = (
            visible_definitions(record, user) if user is not None else live_definitions(record)
        )
        for definition in self.custom_definitions:
            self.fields[PREFIX + definition.key] = filter_field(definition)  # type: ignore[attr-defined]

    def custom_bound_fields(self):
        return [self[PREFIX + d.key] for d in self.custom_definitions]  # type: ignore[index]

    def clean(self):
        from django.core.exceptions import ValidationError

        cleaned = super().clean()  # type: ignore[misc]
        if cleaned is None:
            cleaned = self.cleaned_data  # type: ignore[attr-defined]
        for definition in self.custom_definitions:
            name = PREFIX + definition.key
            raw = cleaned.get(name)
            if raw in (None, ""):
                continue
            try:
                value_rules.parse(definition, raw, text=True)
            except ValidationError as exc:
                self.add_error(name, exc.messages)  # type: ignore[attr-defined]
        return cleaned

    def filter_custom(self, queryset):
        """`queryset` narrowed by the form's valid custom field filters."""
        from .filters import value_q

        data = getattr(self, "cleaned_data", None) or {}
        for definition in self.custom_definitions:
            raw = data.get(PREFIX + definition.key)
            if raw in (None, ""):
                continue
            value = value_rules.parse(definition, raw, text=True)
            if value is not None:
                queryset = queryset.filter(value_q(definition, value))
        return queryset
