"""The home page: what waits on this user. Each stage declares providers in its AppConfig
(`contributes.work_queue`, ltc/wiring.py) returning sections of records waiting for a
transition the user owns."""

from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django_fsm import FSMFieldMixin

from notifications.selectors import inbox

QUEUE_LIMIT = 10
# provider(user) -> list of {"title", "items": queryset/list, "url"} sections. A section of a
# model that declares `label_fields` (what its __str__ reads) loads only the columns the home
# page shows (shown_columns); sections that split one queryset by a field can share one query
# (first_by).
PROVIDERS: list = []
# (*, user, now) -> the user's due follow-ups (declared by the activities app)
FOLLOW_UPS: list = []
# (now) -> count: record types with their own next_follow_up_at (leads, opportunities, ...)
# notify their owners of due follow-ups; activities.services.notify_due_follow_ups runs them.
FOLLOW_UP_NOTICES: list = []

# What ltc/home.html shows of a person (an owner): their initials and name.
PERSON_FIELDS = ("first_name", "last_name", "username")


def _relation(model, name):
    field = next((f for f in model._meta.concrete_fields if f.name == name), None)
    return field if field is not None and field.is_relation else None


def _owner_joined(items):
    """The home page shows each item's owner: join it in the section's one query (no query
    per item), whether or not the provider asked for it."""
    if isinstance(items, QuerySet) and _relation(items.model, "owner"):
        return items.select_related("owner")
    return items


def _named_by(model) -> tuple[str, ...] | None:
    """The fields a record's name (str) reads, or None when its model does not say."""
    if model is get_user_model():
        return PERSON_FIELDS
    return getattr(model, "label_fields", None)


def _joined_fields(model, prefix: str, joins: dict, paths: list) -> list[str] | None:
    """What to load of a `model` record reached by `prefix` ("" for the item itself): its
    name, its state fields (the state machine reads them all as each row loads: a deferred
    one would cost a query per row), and the records its name reads or `joins` joins to it
    (their paths are added to `paths`), by their names. None when a model on the way does
    not say what names its records."""
    named_by = _named_by(model)
    if named_by is None:
        return None
    joins = dict(joins)
    fields = [model._meta.pk.name]
    for name in named_by:
        if _relation(model, name):  # the name reads the related record: join it
            joins.setdefault(name, {})
        else:
            fields.append(name)
    fields += [f.name for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin)]
    fields = [prefix + name for name in fields]
    for name, nested in joins.items():
        paths.append(prefix + name)
        related = model._meta.get_field(name).related_model
        joined = _joined_fields(related, f"{prefix}{name}__", nested, paths)
        if joined is None:
            return None
        fields += joined
    return fields


def _frozen(joins: dict) -> tuple:
    return tuple(sorted((name, _frozen(nested)) for name, nested in joins.items()))


def _thawed(joins: tuple) -> dict:
    return {name: _thawed(nested) for name, nested in joins}


@cache
def _shown_fields(model, frozen: tuple) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(relations to join, fields to load) for shown_columns: a section's model and joins
    are the same on every request, so this is worked out once."""
    joins = _thawed(frozen)
    for name in ("owner", "account"):
        if _relation(model, name):
            joins.setdefault(name, {})
            break
    paths: list[str] = []
    fields = _joined_fields(model, "", joins, paths)
    if fields is None:
        return None
    if any(f.name == "created_at" for f in model._meta.concrete_fields):
        fields.append("created_at")
    return tuple(paths), tuple(fields)


def shown_columns(items: QuerySet) -> QuerySet:
    """`items` loading only what ltc/home.html shows of each item, in the same one query:
    its name, link (pk), state badge, age, and its owner's name, or its account's when it
    has no owner; the records the provider joined stay joined, by their names. The records'
    wide columns (custom fields, search text, notes) stay in the database, and the SQL has a
    few columns to build instead of every column of three tables. Whole records, with the
    owner joined, when a model involved does not say what names it (`label_fields`)."""
    joins = items.query.select_related
    shown = None
    if joins is not True:  # True: every relation, by the provider
        shown = _shown_fields(items.model, _frozen(joins or {}))  # type: ignore[arg-type]
    if shown is None:
        return _owner_joined(items)
    paths, fields = shown
    if paths:  # (select_related() without names would join every relation)
        items = items.select_related(*paths)
    return items.only(*fields)


def first_by(items: QuerySet, field: str, values) -> dict:
    """{value: the first QUEUE_LIMIT + 1 of `items` whose `field` is that value} for each
    of `values`, in `items`' order, loaded as shown_columns loads a section: one query
    (numbered within each value) for a provider whose sections split one queryset by a
    field, instead of one query per section."""
    order = items.query.order_by or items.model._meta.ordering
    ordering: list = [
        name
        if not isinstance(name, str)
        else F(name[1:]).desc()
        if name.startswith("-")
        else F(name).asc()
        for name in order
    ]
    ranked = (
        shown_columns(items.filter(**{f"{field}__in": values}))
        .annotate(
            _queue_rank=Window(
                RowNumber(),
                partition_by=F(field),
                order_by=ordering,
            )
        )
        .filter(_queue_rank__lte=QUEUE_LIMIT + 1)
    )
    found: dict = {getattr(value, "value", value): [] for value in values}
    for item in ranked:
        found[getattr(item, field)].append(item)
    return found


def work_queue(user) -> dict:
    sections = []
    for provider in PROVIDERS:
        for section in provider(user):
            items = section["items"]
            if isinstance(items, QuerySet):
                items = shown_columns(items)
            items = list(items[: QUEUE_LIMIT + 1])
            section["more"] = len(items) > QUEUE_LIMIT
            section["items"] = items[:QUEUE_LIMIT]
            sections.append(section)
    now = timezone.now()
    return {
        "sections": sections,
        "follow_ups": [
            item for source in FOLLOW_UPS for item in source(user=user, now=now)[:QUEUE_LIMIT]
        ],
        # What the page shows of a notification (Notification.display_title reads the
        # title and message).
        "recent_notifications": list(
            inbox(user=user).only("title", "message", "url", "created_at", "read_at")[:5]
        ),
        "now": now,
    }
