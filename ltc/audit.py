"""Field-level audit: who changed which field of a record from what to what.

The records of the chain (accounts, contacts, products, leads, opportunities, quotes,
contracts, orders, invoices, payments) keep a historical table each (django-simple-history,
`history = audit_history()` on the model); HistoryRequestMiddleware records the signed-in user
of the request, so the browser, the API and the admin are all attributed. A save from a task
has no user and shows as the system.

Bulk paths write no history rows: the lead importer creates rows with bulk_create/COPY, which
sends no signals, so an imported lead's history starts at its first change after the import.

`record_changes(record)` turns the historical rows into entries for the history panel and the
API: the creation, then each save that changed something with its field changes (old → new).
The state field is left out of the changes: the transition log says how it moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django_fsm import FSMFieldMixin
from simple_history.models import HistoricalRecords

# Fields that change by themselves and say nothing about who changed the record; the search
# column (ltc/searchtext.py) only repeats fields that are audited.
NOT_AUDITED = ["updated_at", "last_activity_at", "search_text"]


def audit_history() -> HistoricalRecords:
    return HistoricalRecords(excluded_fields=NOT_AUDITED)


@dataclass
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass
class ChangeEntry:
    at: object
    by: object  # a user or None (the system)
    kind: str  # "created" or "changed"
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""  # why, when the service said (e.g. a merge of two records)


def state_fields(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin)}


def is_audited(model) -> bool:
    return hasattr(model, "history") and hasattr(model.history, "model")


def _shown(model, name: str, value):
    """A value as the panel and the API show it: a related record's id, a choice's code."""
    if value is None:
        return None
    if isinstance(value, models.Model):
        return value.pk
    return str(value) if not isinstance(value, bool | int) else value


def record_changes(record) -> list[ChangeEntry]:
    """The record's creation and field changes, oldest first (empty if it is not audited)."""
    model = type(record)
    if not is_audited(model):
        return []
    skip = state_fields(model)
    rows = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries: list[ChangeEntry] = []
    previous = None
    for row in rows:
        if row.history_type == "+" or previous is None:
            entries.append(ChangeEntry(at=row.history_date, by=row.history_user, kind="created"))
        else:
            delta = row.diff_against(previous, foreign_keys_are_objs=False)
            changes = [
                FieldChange(
                    field=change.field,
                    label=str(model._meta.get_field(change.field).verbose_name),
                    old=_shown(model, change.field, change.old),
                    new=_shown(model, change.field, change.new),
                )
                for change in delta.changes
                if change.field not in skip
            ]
            reason = row.history_change_reason or ""
            if changes or reason:
                entries.append(
                    ChangeEntry(
                        at=row.history_date,
                        by=row.history_user,
                        kind="changed",
                        changes=changes,
                        reason=reason,
                    )
                )
        previous = row
    return entries


def _user_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def record_timeline(record, *, fields=None) -> list[dict]:
    """What happened to a record, oldest first: its transitions (who, when, from, to,
    comment) and its field changes (who, when, field, from, to), as the API answers them.
    `fields`: only changes of these fields (what the caller may read); None: all."""
    from .selectors import record_history

    rows = []
    for log in record_history(record):
        rows.append(
            {
                "kind": "transition",
                "at": log.at,
                "by": log.by_id,
                "by_name": _user_name(log.by),
                "transition": log.transition,
                "from": log.source,
                "to": log.target,
                "comment": log.comment,
                "changes": [],
            }
        )
    for entry in record_changes(record):
        changes = [c for c in entry.changes if fields is None or c.field in fields]
        if entry.kind == "changed" and not changes and not entry.reason:
            continue
        rows.append(
            {
                "kind": entry.kind,
                "at": entry.at,
                "by": getattr(entry.by, "pk", None),
                "by_name": _user_name(entry.by),
                "transition": None,
                "from": None,
                "to": None,
                "comment": entry.reason,
                "changes": [
                    {"field": c.field, "label": c.label, "from": c.old, "to": c.new}
                    for c in changes
                ],
            }
        )
    # A transition and the save it made share a moment: the transition reads first.
    order = {"created": 0, "transition": 1, "changed": 2}
    rows.sort(key=lambda row: (row["at"], order[row["kind"]]))
    return rows
