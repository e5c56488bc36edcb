"""The home page loads only the columns it shows of each record (ltc.workqueue.shown_columns),
and a provider can split one queryset into several sections in one query (first_by)."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_fsm import FSMFieldMixin

from leads.models import Lead, LeadStatus
from leads.tests.factories import lead_in
from ltc.workqueue import QUEUE_LIMIT, first_by, shown_columns, work_queue
from roles.tests.factories import user_with

NAMED = [m for m in apps.get_models() if getattr(m, "label_fields", None) is not None]


def _value(field):
    if field.choices:
        return field.choices[0][0]
    kind = field.get_internal_type()
    if kind in ("DateTimeField",):
        return timezone.now()
    if kind == "DateField":
        return datetime.date(2026, 1, 2)
    if kind == "DecimalField":
        return Decimal("1.00")
    if kind == "BooleanField":
        return False
    if kind in ("CharField", "TextField", "SlugField", "EmailField"):
        return "x"
    return 1  # numbers and keys


def _named_record(model):
    """A `model` record holding only its pk, state fields and what its label_fields name (the
    rest deferred), as the home page loads it; a related record named is held the same way."""
    related = {}
    names = {model._meta.pk.attname}
    names.update(f.attname for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin))
    for name in model.label_fields:
        field = model._meta.get_field(name)
        if field.is_relation and field.name == name:
            related[name] = _named_record(field.related_model)
        names.add(field.attname)
    fields = [f for f in model._meta.concrete_fields if f.attname in names]
    record = model.from_db("default", [f.attname for f in fields], [_value(f) for f in fields])
    for name, other in related.items():
        setattr(record, name, other)
    return record


def test_some_models_say_what_names_them():
    assert {"Lead", "Quote", "Contract", "Order", "Ticket", "Account"} <= {
        m.__name__ for m in NAMED
    }


@pytest.mark.parametrize("model", NAMED, ids=lambda m: m._meta.label)
def test_a_record_is_named_from_its_label_fields_alone(model):
    """label_fields lists every field __str__ reads: naming a record loaded with only those
    reads no other column (a deferred one would be a query per record, here a refused one:
    this test has no database)."""
    assert str(_named_record(model))


@pytest.mark.django_db
def test_a_section_loads_what_the_page_shows_and_nothing_else():
    seller = user_with("sales", first_name="Ada", last_name="Li")
    lead = lead_in("working", owner=seller, name="Acme deal", company="Acme")
    (item,) = shown_columns(Lead.objects.filter(pk=lead.pk))
    assert {"custom", "search_text", "email", "phone"} <= item.get_deferred_fields()
    with CaptureQueriesContext(connection) as ctx:
        shown = (str(item), item.get_absolute_url(), item.status, item.created_at)
        person = (item.owner.first_name, item.owner.last_name, item.owner.username)
    assert ctx.captured_queries == []
    assert shown[0] == "Acme deal (Acme)" and shown[2] == "working"
    assert person[:2] == ("Ada", "Li")


@pytest.mark.django_db
def test_first_by_gives_each_value_its_first_items_in_one_query():
    seller = user_with("sales")
    for _i in range(QUEUE_LIMIT + 2):
        lead_in("new", owner=seller)
    lead_in("working", owner=seller)
    lead_in("new")  # someone else's
    mine = Lead.objects.filter(owner=seller).order_by("created_at", "pk")
    values = [LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED]
    with CaptureQueriesContext(connection) as ctx:
        found = first_by(mine, "status", values)
    assert len(ctx.captured_queries) == 1
    for value in values:
        expected = list(mine.filter(status=value)[: QUEUE_LIMIT + 1])
        assert [lead.pk for lead in found[value]] == [lead.pk for lead in expected]
    assert len(found[LeadStatus.NEW]) == QUEUE_LIMIT + 1  # the page shows "10+"


@pytest.mark.django_db
def test_the_queue_shows_ten_and_says_there_are_more():
    seller = user_with("sales")
    for _i in range(QUEUE_LIMIT + 1):
        lead_in("new", owner=seller)
    (section,) = [s for s in work_queue(seller)["sections"] if s["url"].endswith("status=new")]
    assert len(section["items"]) == QUEUE_LIMIT and section["more"]


def test_a_model_that_does_not_say_what_names_it_is_loaded_whole_with_its_owner():
    from activities.models import Activity

    assert getattr(Activity, "label_fields", None) is None
    query = shown_columns(Activity.objects.all()).query
    assert query.select_related == {"owner": {}}
    assert query.deferred_loading == (frozenset(), True)  # nothing deferred
    # nor when a record the provider joined does not say what names it
    from opportunities.models import Opportunity

    assert getattr(Opportunity.lost_reason.field.related_model, "label_fields", None) is None
    query = shown_columns(Opportunity.objects.select_related("lost_reason")).query
    assert query.select_related == {"lost_reason": {}, "owner": {}}
    assert query.deferred_loading == (frozenset(), True)
