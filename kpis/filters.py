"""The dashboard filters (period, team, owner, currency) read from a query string."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.models import Team
from rules import accessors as rule_values

from . import selectors
from .periods import Period, named_period

PERIOD_KINDS = ("month", "quarter", "year", "custom")


@dataclass
class Filters:
    kind: str
    period: Period
    team: str
    owner: str
    currency: str

    def query(self, **extra) -> dict:
        data = {"period": self.kind, "team": self.team, "owner": self.owner,
                "currency": self.currency}  # fmt: skip
        if self.kind == "custom":
            data.update({"from": self.period.start.isoformat(), "to": self.period.end.isoformat()})
        else:
            data["at"] = self.period.start.isoformat()
        data.update(extra)
        return {k: v for k, v in data.items() if v not in ("", None)}


def read_filters(user, params) -> Filters:
    """Parse and check the filters; BadParameter names the one that is wrong."""
    kind = params.get("period") or "month"
    if kind not in PERIOD_KINDS:
        raise selectors.BadParameter("period", _("One of month, quarter, year, custom."))
    if kind == "custom":
        period = selectors.parse_range(params.get("from"), params.get("to"))
    else:
        anchor = params.get("at")
        day = selectors.parse_date(anchor, "at") if anchor else timezone.localdate()
        period = named_period(kind, day)
    currency = params.get("currency") or rule_values.default_currency()
    if currency not in settings.LTC["CURRENCIES"]:
        raise selectors.BadParameter("currency", _("Unknown currency."))
    team, owner = params.get("team", ""), params.get("owner", "")
    # the same check the figures use: a team or person the user may not see is refused
    selectors.visible_owners(user, None, team=team, owner=owner)
    return Filters(kind, period, team, owner, currency)


def choices(user) -> dict:
    """The teams and people the user may pick."""
    scope = selectors.scope_for(user, None)
    users = get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
    teams = Team.objects.all()
    if not scope.everyone:
        users = users.filter(pk__in=scope.owners)
        teams = teams.filter(pk__in=scope.teams)
    return {
        "teams": list(teams.order_by("name").values_list("pk", "name")),
        "owners": list(users.order_by("username").values_list("pk", "username")),
        "currencies": settings.LTC["CURRENCIES"],
        "kinds": [
            ("month", _("Month")),
            ("quarter", _("Quarter")),
            ("year", _("Year")),
            ("custom", _("Custom range")),
        ],  # fmt: skip
    }
