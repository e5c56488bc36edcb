"""`{% list_value column record %}`: a plain cell of a list's chosen column."""

import datetime
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def list_value(column, obj):
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
