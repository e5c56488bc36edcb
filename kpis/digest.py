"""The weekly KPI digest (Monday 09:00 TIME_ZONE): last week's overview table and what is
late, to every manager and team lead, in the app, by email and in their teams' chat bots
(notifications.services.notify). Exactly once per ISO week: the week's DigestSent row and the
notifications are written in one transaction, and each notification's key names the week."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ltc.timers import where_work_waits
from notifications.messages import Message
from notifications.services import notify, recipient_language

from . import dashboard
from .models import DigestSent
from .periods import Period


def last_week(today: datetime.date) -> Period:
    monday = today - datetime.timedelta(days=today.weekday())
    return Period(monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1))


def recipients():
    users = get_user_model().objects.filter(is_active=True)
    return (
        users.filter(Q(groups__name="manager") | Q(led_teams__isnull=False) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )


def _fmt(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def digest_body(user, period: Period) -> str:
    lines = [f"{period.start} – {period.end}"]
    for section in dashboard.overview(user, period):
        lines.append("")
        lines.append(str(section["label"]))
        for r in section["rows"]:
            change = r["change_previous"]
            delta = f"{change['value']:+} {change['unit']}" if change else "—"
            previous = _("previous")
            lines.append(
                f"  {r['label']}: {_fmt(r['value'])} ({previous} {_fmt(r['previous'])}, {delta})"
            )
    late = [w for w in where_work_waits() if w["late"]]
    lines.append("")
    lines.append(_("Late hand-offs:") if late else _("No hand-off is late."))
    for w in late:
        lines.append(f"  {w['label']}: {w['late']} / {w['waiting']}")
    return "\n".join(lines)


def send_weekly_digest(*, today: datetime.date | None = None) -> int:
    """Send last week's digest once; returns the notices sent (0 if this week's went out)."""
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    key = f"{year}-W{week:02d}"
    period = last_week(today)
    url = (
        reverse("kpis:overview")
        + "?"
        + urlencode(
            {"period": "custom", "from": period.start.isoformat(), "to": period.end.isoformat()}
        )
    )
    sent = 0
    try:
        with transaction.atomic():
            DigestSent.objects.create(week=key)
            for user in recipients():
                # The figures are written once, in the reader's language.
                with translation.override(recipient_language(user)):
                    body = digest_body(user, period)
                if notify(
                    recipient=user,
                    key=f"kpi-digest:{key}",
                    title=Message(gettext_noop("KPI digest, week %(week)s"), week=key),
                    body=body,
                    url=url,
                ):
                    sent += 1
    except IntegrityError:
        return 0  # this week's digest went out already
    return sent
