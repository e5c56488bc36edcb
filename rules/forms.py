"""The forms of the settings page: one per section of rules, and one per year's calendar.

Each field carries its rule's sane range; a value outside it is refused with a message and
nothing is saved. `values()` gives the canonical JSON of each rule, for rules.services."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from . import specs
from .specs import Section, Spec


class ListField(forms.CharField):
    """Numbers separated by commas (or spaces), each within [low, high]."""

    def __init__(self, *, item, low=None, high=None, **kwargs):
        self.item, self.low, self.high = item, low, high
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        parts = [p for p in re.split(r"[,，\s]+", text or "") if p]
        if not parts:
            raise forms.ValidationError(_("Give at least one value."))
        items = []
        for part in parts:
            try:
                number = self.item(part)
            except (ValueError, ArithmeticError) as exc:
                raise forms.ValidationError(
                    _("“%(value)s” is not a number."), params={"value": part}
                ) from exc
            if (self.low is not None and number < self.low) or (
                self.high is not None and number > self.high
            ):
                raise forms.ValidationError(
                    _("Each value must be between %(low)s and %(high)s."),
                    params={"low": self.low, "high": self.high},
                )
            items.append(number)
        if len(set(items)) != len(items):
            raise forms.ValidationError(_("A value is given twice."))
        return items


class SourcesField(forms.CharField):
    """Lead sources, one a line: "key | English name | 中文名称", retired ones after a "#"."""

    widget = forms.Textarea(attrs={"rows": 8})
    KEY = re.compile(r"^[a-z0-9_]{1,20}$")

    def prepare_value(self, value):
        if isinstance(value, list):
            lines = []
            for item in value:
                retired = "" if item.get("active", True) else "# "
                lines.append(f"{retired}{item['value']} | {item['en']} | {item['zh']}")
            return "\n".join(lines)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        items, keys = [], set()
        for line in (raw.strip() for raw in text.splitlines()):
            if not line:
                continue
            active = not line.startswith("#")
            parts = [p.strip() for p in line.lstrip("#").split("|")]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(
                    _("“%(line)s”: write key | English name | 中文名称."), params={"line": line}
                )
            key, english, chinese = parts
            if not self.KEY.match(key):
                raise forms.ValidationError(
                    _("“%(key)s”: a key is 1 to 20 small letters, digits or “_”."),
                    params={"key": key},
                )
            if key in keys:
                raise forms.ValidationError(_("“%(key)s” is given twice."), params={"key": key})
            keys.add(key)
            items.append({"value": key, "en": english, "zh": chinese, "active": active})
        if not any(item["active"] for item in items):
            raise forms.ValidationError(_("Offer at least one source."))
        return items


def _decimal_item(text: str) -> Decimal:
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(text)
    return number


def _range(spec: Spec) -> list:
    validators: list = []
    if spec.low is not None:
        validators.append(MinValueValidator(spec.low))
    if spec.high is not None:
        validators.append(MaxValueValidator(spec.high))
    return validators


def form_field(spec: Spec) -> forms.Field:
    common = {"label": spec.label, "help_text": spec.help}
    if spec.kind == "decimal":
        return forms.DecimalField(
            max_digits=16, decimal_places=2, validators=_range(spec), **common
        )
    if spec.kind == "int":
        return forms.IntegerField(validators=_range(spec), **common)
    if spec.kind == "time":
        return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), **common)
    if spec.kind in ("weekdays", "roles"):
        return forms.MultipleChoiceField(
            choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if spec.kind == "choice":
        return forms.ChoiceField(choices=spec.choices, **common)
    if spec.kind == "days":
        return ListField(item=int, low=spec.low, high=spec.high, **common)
    if spec.kind == "decimals":
        return ListField(item=_decimal_item, low=spec.low, high=spec.high, **common)
    if spec.kind == "sources":
        return SourcesField(**common)
    raise ValueError(spec.kind)


class SectionForm(forms.Form):
    """The rules of one section, with their values in force as the initial data."""

    def __init__(self, section: Section, *args, **kwargs):
        self.section = section
        kwargs.setdefault("prefix", section.slug)
        super().__init__(*args, **kwargs)
        for spec in section.specs:
            self.fields[self.name_of(spec)] = form_field(spec)
            self.initial.setdefault(self.name_of(spec), specs.current(spec.key))

    @staticmethod
    def name_of(spec: Spec) -> str:
        return spec.key.replace(".", "__")

    def clean(self):
        cleaned = super().clean()
        check = getattr(self, f"check_{self.section.slug}", None)
        if check is not None and not self.errors:
            check(cleaned)
        return cleaned

    def check_discounts(self, cleaned):
        if cleaned["QUOTE_DISCOUNT_FINANCE_PCT"] < cleaned["QUOTE_DISCOUNT_MANAGER_PCT"]:
            self.add_error(
                "QUOTE_DISCOUNT_FINANCE_PCT", _("The second gate may not be below the first.")
            )

    def check_quotes(self, cleaned):
        if cleaned["DEFAULT_TAX_RATE"] not in cleaned["TAX_RATES"]:
            self.add_error("DEFAULT_TAX_RATE", _("Pick one of the tax rates offered."))

    def check_sla(self, cleaned):
        for priority, _label in specs.PRIORITIES:
            first = cleaned.get(f"SLA__{priority}__first_response_hours")
            resolution = cleaned.get(f"SLA__{priority}__resolution_hours")
            if first is not None and resolution is not None and first > resolution:
                self.add_error(
                    f"SLA__{priority}__first_response_hours",
                    _("The first response may not take longer than the resolution."),
                )

    def check_hours(self, cleaned):
        if cleaned["BUSINESS_HOURS__end"] <= cleaned["BUSINESS_HOURS__start"]:
            self.add_error("BUSINESS_HOURS__end", _("Business hours must end after they start."))

    def check_sources(self, cleaned):
        kept = {item["value"] for item in cleaned["LEAD_SOURCES"]}
        removed = [i["value"] for i in specs.current("LEAD_SOURCES") if i["value"] not in kept]
        if removed:
            self.add_error(
                "LEAD_SOURCES",
                _("“%(key)s” cannot be removed: retire it with “#”.") % {"key": removed[0]},
            )

    def values(self) -> dict:
        """{rule key: canonical value} of every rule of the section."""
        return {
            spec.key: spec.canonical(self.cleaned_data[self.name_of(spec)])
            for spec in self.section.specs
        }


class DateListField(forms.CharField):
    """ISO dates (YYYY-MM-DD) separated by commas, spaces or new lines, all in one year."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        days = []
        for part in (p for p in re.split(r"[,，\s]+", text) if p):
            try:
                days.append(datetime.date.fromisoformat(part))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date: write YYYY-MM-DD."), params={"value": part}
                ) from exc
        return sorted(set(days))


class CalendarForm(forms.Form):
    """One year's holidays and working weekend days (调休)."""

    year = forms.IntegerField(
        label=_("Year"),
        validators=[MinValueValidator(specs.MIN_YEAR), MaxValueValidator(specs.MAX_YEAR)],
    )
    holidays = DateListField(
        label=_("Holidays"),
        required=False,
        help_text=_("Days the SLA clock stops, one per line (YYYY-MM-DD)."),
    )
    workdays = DateListField(
        label=_("Working weekend days (调休)"),
        required=False,
        help_text=_("Weekend days worked in exchange for a holiday: the SLA clock runs."),
    )

    def __init__(self, *args, fixed_year: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_year:  # the form of a year already in the calendar: only its days change
            self.fields["year"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is None or self.errors:
            return cleaned
        for name in ("holidays", "workdays"):
            outside = [d for d in cleaned[name] if d.year != year]
            if outside:
                self.add_error(
                    name,
                    _("%(day)s is not in %(year)s.") % {"day": outside[0], "year": year},
                )
        if self.errors:
            return cleaned
        both = set(cleaned["holidays"]) & set(cleaned["workdays"])
        if both:
            self.add_error(
                "workdays",
                _("%(day)s is both a holiday and a working day.") % {"day": min(both)},
            )
        weekdays = set(specs.current("BUSINESS_HOURS.weekdays"))
        already = [d for d in cleaned.get("workdays", []) if d.weekday() in weekdays]
        if already:
            self.add_error(
                "workdays",
                _("%(day)s is a working weekday already.") % {"day": already[0]},
            )
        return cleaned

    def key(self) -> str:
        return specs.calendar_spec(self.cleaned_data["year"]).key

    def values(self) -> dict:
        return {
            self.key(): specs.calendar_spec(self.cleaned_data["year"]).canonical(
                {
                    "holidays": [d.isoformat() for d in self.cleaned_data["holidays"]],
                    "workdays": [d.isoformat() for d in self.cleaned_data["workdays"]],
                }
            )
        }
