"""Posting a section of the business rules page as a browser would: every field with its
value in force, then the changes."""

from rules import specs
from rules.forms import CalendarForm, SectionForm

URL = "/settings/rules/"


def section_data(slug: str, **changes) -> dict:
    form = SectionForm(specs.section(slug))
    data = {"section": slug}
    for name, field in form.fields.items():
        value = changes.get(name, form.initial[name])
        data[f"{slug}-{name}"] = value if name in changes else field.prepare_value(value)
    return data


def calendar_data(year: int, holidays="", workdays="", *, new: bool = False) -> dict:
    prefix = "calendar-new" if new else f"calendar-{year}"
    return {
        "section": prefix,
        f"{prefix}-year": str(year),
        f"{prefix}-holidays": holidays,
        f"{prefix}-workdays": workdays,
    }


def post_section(client, slug: str, **changes):
    return client.post(URL, section_data(slug, **changes))


__all__ = ["URL", "CalendarForm", "calendar_data", "post_section", "section_data"]
