"""Writes of the public pool: the daily return of idle records and claims with a daily limit."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition

from customers.models import Account
from leads.models import Lead, LeadStatus
from notifications.messages import Message
from notifications.services import notify
from roles.policies import require
from rules import accessors as rule_values

from .models import PoolEntry, PoolEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ACTIVE_LEAD_STATES = (
    LeadStatus.NEW,
    LeadStatus.WORKING,
    LeadStatus.NURTURING,
    LeadStatus.QUALIFIED,
)


class AlreadyClaimed(ConcurrentTransition):
    """Someone else claimed it first (409)."""


def return_days() -> int:
    return rule_values.pool_return_days()


def daily_limit() -> int:
    return rule_values.pool_daily_claim_limit()


def _claimed_since(cutoff, field: str):
    return Exists(
        PoolEvent.objects.filter(
            kind=PoolEvent.Kind.CLAIM, at__gte=cutoff, **{field: OuterRef("pk")}
        )
    )


def stale_leads(*, now):
    cutoff = now - datetime.timedelta(days=return_days())
    return (
        Lead.objects.filter(owner__isnull=False, status__in=ACTIVE_LEAD_STATES)
        .annotate(touched=Coalesce("last_activity_at", "assigned_at", "created_at"))
        .filter(touched__lt=cutoff)
        .exclude(_claimed_since(cutoff, "lead"))
    )


def stale_accounts(*, now):
    cutoff = now - datetime.timedelta(days=return_days())
    return (
        Account.objects.filter(owner__isnull=False)
        .annotate(touched=Coalesce("last_activity_at", "created_at"))
        .filter(touched__lt=cutoff)
        .exclude(_claimed_since(cutoff, "account"))
    )


@transaction.atomic
def _return(record, *, now, field: str) -> bool:
    model = type(record)
    locked = model.objects.select_for_update().filter(pk=record.pk, owner__isnull=False).first()
    if locked is None:
        return False
    previous = locked.owner
    update = {"owner": None}
    if field == "lead":
        update["assigned_at"] = None
    model.objects.filter(pk=locked.pk).update(**update)
    entry, _created = PoolEntry.objects.update_or_create(
        **{field: locked}, defaults={"previous_owner": previous, "since": now}
    )
    PoolEvent.objects.create(
        kind=PoolEvent.Kind.RETURN, owner=previous, by=None, at=now, **{field: locked}
    )
    notify(
        recipient=previous,
        key=f"pool-return:{field}:{locked.pk}:{now.isoformat()}",
        title=Message(
            gettext_noop("Back to the pool (no activity for %(days)s days): %(record)s"),
            days=return_days(),
            record=locked,
        ),
        url=entry.get_absolute_url(),
    )
    return True


def pool_return_stale(*, now=None) -> dict[str, int]:
    """Celery (daily): leads and accounts with no activity for POOL_RETURN_DAYS lose their
    owner and go to the pool; running it again returns nothing twice."""
    now = now or timezone.now()
    counts = {"leads": 0, "accounts": 0}
    for lead in stale_leads(now=now).iterator(chunk_size=500):
        counts["leads"] += _return(lead, now=now, field="lead")
    for account in stale_accounts(now=now).iterator(chunk_size=500):
        counts["accounts"] += _return(account, now=now, field="account")
    return counts


def claims_today(user: User, *, now=None) -> int:
    now = timezone.localtime(now or timezone.now())
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return PoolEvent.objects.filter(by=user, kind=PoolEvent.Kind.CLAIM, at__gte=midnight).count()


@transaction.atomic
def pool_claim(*, user: User, entry_id: int, now=None):
    """A salesperson takes a record from the pool: at most POOL_DAILY_CLAIM_LIMIT a day.

    The user's row is locked first, so two claims by one person run one after the other and
    the second counts the first; the entry's row lock lets only one person take a record."""
    require(user, "pool.claim")
    now = now or timezone.now()
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    limit = daily_limit()
    if claims_today(user, now=now) >= limit:
        raise ValidationError(
            _("You have reached today's claim limit (%(limit)s). Try again tomorrow.")
            % {"limit": limit}
        )
    entry = (
        PoolEntry.objects.select_for_update(of=("self",))
        .select_related("lead", "account")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise AlreadyClaimed(_("Someone else has claimed it already."))
    field = entry.kind
    record = entry.record
    model = type(record)
    update = {"owner": user}
    if field == "lead":
        update["assigned_at"] = now
    if not model.objects.filter(pk=record.pk, owner__isnull=True).update(**update):
        entry.delete()  # assigned outside the pool meanwhile
        raise AlreadyClaimed(_("It has been assigned meanwhile."))
    entry.delete()
    PoolEvent.objects.create(
        kind=PoolEvent.Kind.CLAIM, owner=user, by=user, at=now, **{field: record}
    )
    record.refresh_from_db()
    return record


def pool_entries():
    """Everything in the pool, oldest first."""
    return PoolEntry.objects.select_related("lead", "account", "previous_owner").filter(
        Q(lead__owner__isnull=True) | Q(account__owner__isnull=True)
    )
