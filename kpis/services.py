"""KPI writes: targets (the `kpis.targets` and `kpis.import_targets` policies)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from roles.models import Team
from roles.policies import require

from .models import PeriodKind, Target, TargetMetric


def clean_target(
    *, owner=None, team=None, period_kind, period_start, metric, value, currency, instance=None
) -> dict:
    """Validate a target's fields; ValidationError names each bad field."""
    errors = {}
    if (owner is None) == (team is None):
        errors["owner"] = _("Choose a person or a team (one of them).")
    if owner is not None and not isinstance(owner, get_user_model()):
        errors["owner"] = _("Unknown person.")
    if team is not None and not isinstance(team, Team):
        errors["team"] = _("Unknown team.")
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = _("Month or quarter.")
    if not isinstance(period_start, datetime.date):
        errors["period_start"] = _("Not a date.")
    elif period_start.day != 1 or (
        period_kind == PeriodKind.QUARTER and (period_start.month - 1) % 3
    ):
        errors["period_start"] = _("The first day of the month or quarter.")
    if metric not in TargetMetric.values:
        errors["metric"] = _("Unknown metric.")
    try:
        value = Decimal(str(value))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["value"] = _("Enter a number.")
    else:
        if value < 0:
            errors["value"] = _("A target cannot be negative.")
        elif value.as_tuple().exponent < -2 or abs(value) >= Decimal("1e14"):
            errors["value"] = _("At most 14 digits and 2 decimals.")
    if not errors:
        clash = Target.objects.filter(
            owner=owner,
            team=team,
            period_kind=period_kind,
            period_start=period_start,
            metric=metric,
        )
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["metric"] = _("This target is set already for that period.")
    if errors:
        raise ValidationError(errors)
    return {
        "owner": owner,
        "team": team,
        "period_kind": period_kind,
        "period_start": period_start,
        "metric": metric,
        "value": value,
        "currency": currency,
    }


def target_save(*, user, target: Target | None = None, **fields) -> Target:
    """Create or update a target (managers only); one transaction."""
    require(user, "kpis.targets")
    data = clean_target(instance=target, **fields)
    try:
        with transaction.atomic():
            if target is None:
                target = Target(created_by=user)
            for name, value in data.items():
                setattr(target, name, value)
            target.save()
    except IntegrityError as exc:
        raise ValidationError({"metric": _("This target is set already for that period.")}) from exc
    return target


HEADERS = ("person", "team", "period", "period start", "metric", "value", "currency")


def target_import(*, user, raw: bytes) -> int:
    """Create or update targets from an XLSX sheet (columns: HEADERS), all or nothing: any
    bad row refuses the file with every row's error."""
    import io

    from openpyxl import load_workbook

    require(user, "kpis.import_targets")
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationError(_("The XLSX file cannot be opened: it may be damaged.")) from exc
    if not rows:
        raise ValidationError(_("The sheet is empty."))
    header = [str(c or "").strip().lower() for c in rows[0]]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ValidationError(_("Missing columns: %(c)s") % {"c": ", ".join(missing)})
    if len(rows) > 5001:
        raise ValidationError(_("At most 5,000 targets per file."))
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    teams = {t.name: t for t in Team.objects.all()}
    errors, cleaned = [], []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        person, team = str(row.get("person") or "").strip(), str(row.get("team") or "").strip()
        start = row.get("period start")
        if isinstance(start, datetime.datetime):
            start = start.date()
        elif isinstance(start, str):
            try:
                start = datetime.date.fromisoformat(start.strip())
            except ValueError:
                start = None
        existing = None
        try:
            fields: dict[str, Any] = {
                "owner": users.get(person) if person else None,
                "team": teams.get(team) if team else None,
                "period_kind": str(row.get("period") or "").strip().lower(),
                "period_start": start,
                "metric": str(row.get("metric") or "").strip(),
                "value": row.get("value"),
                "currency": str(row.get("currency") or "").strip().upper() or "CNY",
            }
            if person and fields["owner"] is None:
                raise ValidationError({"person": _("Unknown person.")})
            if team and fields["team"] is None:
                raise ValidationError({"team": _("Unknown team.")})
            if isinstance(start, datetime.date):
                existing = Target.objects.filter(
                    owner=fields["owner"], team=fields["team"], period_kind=fields["period_kind"],
                    period_start=start, metric=fields["metric"],
                ).first()  # fmt: skip
            cleaned.append((existing, clean_target(instance=existing, **fields)))
        except ValidationError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            errors.append(_("Row %(n)d: %(e)s") % {"n": number, "e": detail})
    keys = [(d["owner"], d["team"], d["period_kind"], d["period_start"], d["metric"])
            for _e, d in cleaned]  # fmt: skip
    if len(keys) != len(set(keys)):
        errors.append(_("The file sets the same target twice."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for existing, data in cleaned:
            target = existing or Target(created_by=user)
            for name, value in data.items():
                setattr(target, name, value)
            target.save()
    return len(cleaned)
