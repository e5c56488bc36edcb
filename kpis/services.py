"""KPI writes: targets (managers only)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from roles.models import Team
from roles.permissions import has_role

from .models import PeriodKind, Target, TargetMetric


def can_set_targets(user) -> bool:
    return has_role(user, "manager")


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
    if not can_set_targets(user):
        raise PermissionDenied(_("Only managers set targets."))
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
