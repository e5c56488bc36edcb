"""Drill-down: the rows that make a figure. They come from the same metric definition the
rollup sums, filtered to what the caller may see, so their count and sums equal the figure
(the current-state metrics, pipeline and workload, are listed as they are now)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from activities.services import record_url

from . import metrics, selectors
from .periods import Period

LIMIT = 500
ZERO = Decimal("0")


def rows_for(user, key: str, period: Period, *, team=None, owner=None, currency=None) -> dict:
    metric = selectors.get_metric(key)
    sub = key.split(":", 1)[1] if ":" in key else None
    source = metric
    note = ""
    if metric.kind == "derived":  # DSO and CEI are read from the open receivables
        source = metrics.METRICS["ar_open"]
        note = "ar_open"
    ids = selectors.visible_owners(user, metric, team=team, owner=owner)
    start, end = period.start, period.end
    today = timezone.localdate()
    if selectors.is_point(source):
        start = end = min(period.end, today)
        if source.current:
            start = end = today
    money = source.money
    rows, num, den = [], ZERO, ZERO
    count = 0
    for row in source.rows(start, end):
        if ids is not None and row.owner not in ids:
            continue
        if money and currency and row.currency != currency:
            continue
        if sub is not None and row.sub != sub:
            continue
        if source.key == "pipeline" and not (period.start <= row.day <= period.end):
            continue
        count += 1
        num += row.num
        den += row.den
        if len(rows) < LIMIT:
            rows.append(row._asdict())
    rows.sort(key=lambda r: (r["day"], r["pk"]))
    value = source.value(num, den) if count else None
    return {
        "rows": rows,
        "count": count,
        "numerator": num,
        "denominator": den,
        "value": value.quantize(Decimal("0.01")) if value is not None else None,
        "truncated": count > len(rows),
        "source": source,
        "note": note,
        "day": end if selectors.is_point(source) else None,
    }


def url_of(model_label: str, pk: int) -> str:
    app_label, model = model_label.split(".")
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return ""
    return record_url(ct, pk)
