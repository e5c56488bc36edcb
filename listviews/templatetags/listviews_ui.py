"""The cells of a list's chosen columns: `{% list_cell column record %}` (a plain cell) and
`{% list_cells listing record %}` (a row's cells, each column's own `cell` where it draws
one)."""

import datetime
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def list_value(column, obj):
    """A plain cell's value, as text."""
    from ltc.exports import Column
    from ltc.templatetags.ltc_ui import money

    value = column.read(obj)
    if value is None or value == "":
        return "—"
    if isinstance(column.value, Column) and column.value.kind == "money":
        return money(value, getattr(obj, "currency", ""))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return intcomma(f"{value:.2f}")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@register.simple_tag
def list_cell(column, obj) -> SafeString:
    """A plain cell: the value, right-aligned for numbers, labelled for the phone layout."""
    numeric = mark_safe(' class="num"') if column.numeric else ""
    return format_html(
        '<td{} data-label="{}">{}</td>', numeric, column.label, list_value(column, obj)
    )


@register.simple_tag
def list_cells(listing, obj) -> SafeString:
    """The cells of one row, in the listing's column order."""
    return mark_safe(
        "".join(
            column.cell(obj) if column.cell else list_cell(column, obj)
            for column in listing.columns
        )
    )
