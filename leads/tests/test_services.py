"""Lead services: conversion hand-off, capture, assignment, scoring."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities.services import activity_create
from customers.models import Account, Contact
from customers.tests.factories import AccountFactory, ContactFactory
from leads import services
from leads.models import Lead, LeadSource, LeadStatus, LeadUserObjectPermission, RoundRobinCursor
from leads.scoring import lead_score
from leads.selectors import lead_can_edit, lead_list
from leads.tests.factories import LeadFactory, lead_in
from ltc.handoffs import lead_converted
from ltc.models import TransitionLog
from ltc.transitions import ConcurrentTransition, TransitionNotAllowed, run
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales():
    return user_with("sales")


def convert(lead, user, **data):
    return run(obj=lead, name="convert", user=user, data=data)


# --- convert -----------------------------------------------------------------------------


def test_convert_creates_account_and_contact(sales):
    lead = lead_in(
        LeadStatus.QUALIFIED,
        owner=sales,
        company="Minghui Manufacturing",
        name="Wang Jianguo",
        email="wang@minghui.example.cn",
        phone="13800000001",
        title="Purchasing director",
    )
    result = convert(lead, sales)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert lead.converted_at is not None
    account = Account.objects.get()
    assert account.name == "Minghui Manufacturing"
    assert account.owner == sales
    contact = Contact.objects.get()
    assert contact.account == account
    assert (contact.name, contact.email, contact.title) == (
        "Wang Jianguo",
        "wang@minghui.example.cn",
        "Purchasing director",
    )
    assert contact.is_primary
    assert lead.account == account and lead.contact == contact
    assert result.account == account


def test_convert_links_existing_account_by_company_name_case_insensitive(sales):
    existing = AccountFactory(name="Cloudpeak Software", owner=sales)
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, company="  CLOUDPEAK software ")
    convert(lead, sales)
    lead.refresh_from_db()
    assert Account.objects.count() == 1
    assert lead.account == existing
    assert lead.contact.account == existing


def test_convert_links_existing_contact_by_email(sales):
    account = AccountFactory(name="Suda Logistics", owner=sales)
    contact = ContactFactory(account=account, email="Zhao.Lei@suda.example.cn")
    lead = lead_in(
        LeadStatus.QUALIFIED,
        owner=sales,
        company="suda logistics",
        email="zhao.lei@SUDA.example.cn",
    )
    convert(lead, sales)
    lead.refresh_from_db()
    assert Contact.objects.count() == 1
    assert lead.contact == contact


def test_convert_adds_new_contact_to_existing_account_not_primary(sales):
    account = AccountFactory(name="Acme", owner=sales)
    ContactFactory(account=account, email="someone@acme.example.com", is_primary=True)
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, company="acme", email="new@acme.example.com")
    convert(lead, sales)
    lead.refresh_from_db()
    assert account.contacts.count() == 2
    assert lead.contact.email == "new@acme.example.com"
    assert not lead.contact.is_primary


def test_convert_to_chosen_account(sales):
    chosen = AccountFactory(name="Chosen Group", owner=sales)
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, company="Other name")
    convert(lead, sales, account=str(chosen.pk))
    lead.refresh_from_db()
    assert lead.account == chosen
    assert not Account.objects.filter(name="Other name").exists()


def test_convert_sends_handoff_signal_inside_the_transaction(sales):
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales)
    seen = []

    def receiver(sender, instance, account, contact, user, **kwargs):
        # the records exist when the next stage receives the hand-off
        seen.append((instance.pk, Account.objects.filter(pk=account.pk).exists(), contact.pk, user))

    lead_converted.connect(receiver)
    try:
        convert(lead, sales)
    finally:
        lead_converted.disconnect(receiver)
    assert len(seen) == 1
    assert seen[0][0] == lead.pk and seen[0][1] is True and seen[0][3] == sales


def test_convert_rolls_back_everything_when_the_handoff_fails(sales):
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, company="Never Created Ltd")

    def failing(sender, **kwargs):
        raise RuntimeError("opportunity could not be created")

    lead_converted.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            convert(lead, sales)
    finally:
        lead_converted.disconnect(failing)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    assert lead.converted_at is None
    assert lead.account is None and lead.contact is None
    assert not Account.objects.exists()
    assert not Contact.objects.exists()
    assert not TransitionLog.objects.exists()


def test_convert_refuses_a_second_run(sales):
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales)
    convert(lead, sales)
    lead.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        convert(lead, sales)
    # a stale copy of the lead (still "qualified" in memory) is refused too
    stale = lead_in(LeadStatus.QUALIFIED, owner=sales)
    copy = Lead.objects.get(pk=stale.pk)
    convert(stale, sales)
    with pytest.raises(ConcurrentTransition):
        convert(copy, sales)
    assert Account.objects.count() == 2
    assert Contact.objects.count() == 2
    assert TransitionLog.objects.filter(transition="convert").count() == 2


def test_convert_by_marketing_is_refused(sales):
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales)
    with pytest.raises(PermissionDenied):
        convert(lead, user_with("marketing"))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.QUALIFIED
    assert not Account.objects.exists()


def test_convert_without_company_names_account_after_person(sales):
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, company="", name="Solo Trader Li")
    convert(lead, sales)
    assert Account.objects.get().name == "Solo Trader Li"


# --- capture -----------------------------------------------------------------------------


def test_lead_create_by_sales_owns_it_without_a_grant(sales):
    lead = services.lead_create(user=sales, name="Li Na", email="li@example.com")
    assert lead.owner == sales
    assert lead.created_by == sales
    assert lead.assigned_at is not None
    assert lead.status == LeadStatus.NEW
    assert lead_list(user=sales).filter(pk=lead.pk).exists()
    assert lead_can_edit(user=sales, lead=lead)
    assert not LeadUserObjectPermission.objects.filter(content_object=lead).exists()


def test_lead_create_by_marketing_is_unassigned():
    marketing = user_with("marketing")
    lead = services.lead_create(user=marketing, name="Li Na", phone="13800000000")
    assert lead.owner is None
    assert lead.created_by == marketing


def test_lead_create_refused_for_other_roles():
    for role in ("finance", "operations", "service", "sales_support", "manager"):
        with pytest.raises(PermissionDenied):
            services.lead_create(user=user_with(role), name="X", email="x@example.com")
    assert not Lead.objects.exists()


def test_lead_create_bad_input_creates_nothing(sales):
    with pytest.raises(ValidationError) as info:
        services.lead_create(user=sales, name="", email="not-an-email")
    assert {"name", "email"} <= set(info.value.message_dict)
    assert not Lead.objects.exists()


def test_lead_create_ignores_non_editable_fields(sales):
    lead = services.lead_create(user=sales, name="A", email="a@example.com", score=99)
    assert lead.score != 99


def test_lead_update_by_non_owner_sales_refused(sales):
    lead = LeadFactory(owner=sales)
    with pytest.raises(PermissionDenied):
        services.lead_update(lead=lead, user=user_with("sales"), name="Hijack")
    assert Lead.objects.get(pk=lead.pk).name != "Hijack"


def test_lead_update_rescores(sales):
    lead = services.lead_create(user=sales, name="A", email="a@example.com")
    before = lead.score
    services.lead_update(lead=lead, user=sales, title="CFO", need="Everything")
    assert Lead.objects.get(pk=lead.pk).score == before + 15


# --- assignment --------------------------------------------------------------------------


def test_assign_moves_visibility_and_notifies(django_capture_on_commit_callbacks):
    marketing = user_with("marketing")
    first, second = user_with("sales"), user_with("sales")
    lead = LeadFactory(owner=first)
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_assign(lead=lead, owner=second, user=marketing)
    lead.refresh_from_db()
    assert lead.owner == second
    assert lead_list(user=second).filter(pk=lead.pk).exists()
    assert not lead_list(user=first).filter(pk=lead.pk).exists()
    assert not LeadUserObjectPermission.objects.filter(content_object=lead).exists()
    assert Notification.objects.filter(recipient=second).count() == 1


def test_assign_refused_for_sales_and_to_non_sales():
    lead = LeadFactory()
    with pytest.raises(PermissionDenied):
        services.lead_assign(lead=lead, owner=user_with("sales"), user=user_with("sales"))
    with pytest.raises(ValidationError):
        services.lead_assign(lead=lead, owner=user_with("finance"), user=user_with("manager"))
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_assign_refused_for_closed_lead():
    lead = lead_in(LeadStatus.DISQUALIFIED)
    with pytest.raises(ValidationError):
        services.lead_assign(lead=lead, owner=user_with("sales"), user=user_with("manager"))


def test_round_robin_continues_where_it_stopped():
    manager = user_with("manager")
    a, b, c = user_with("sales"), user_with("sales"), user_with("sales")
    leads = [LeadFactory() for _ in range(4)]
    first = services.lead_assign_round_robin(leads=leads, user=manager)
    assert [first[lead.pk] for lead in leads] == [a.pk, b.pk, c.pk, a.pk]
    more = [LeadFactory() for _ in range(2)]
    second = services.lead_assign_round_robin(leads=more, user=manager)
    assert [second[lead.pk] for lead in more] == [b.pk, c.pk]
    assert RoundRobinCursor.objects.get(rule="leads").last_user == c


def test_round_robin_refused_for_sales():
    lead = LeadFactory()
    with pytest.raises(PermissionDenied):
        services.lead_assign_round_robin(leads=[lead], user=user_with("sales"))
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_round_robin_without_active_sales_is_a_clear_error():
    user_with("sales", is_active=False)
    lead = LeadFactory()
    with pytest.raises(ValidationError):
        services.lead_assign_round_robin(leads=[lead], user=user_with("marketing"))
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_round_robin_continues_after_the_last_one_left_sales():
    manager = user_with("manager")
    a, b, c = user_with("sales"), user_with("sales"), user_with("sales")
    services.lead_assign_round_robin(leads=[LeadFactory(), LeadFactory()], user=manager)
    assert RoundRobinCursor.objects.get(rule="leads").last_user == b
    b.is_active = False
    b.save()
    more = [LeadFactory(), LeadFactory()]
    result = services.lead_assign_round_robin(leads=more, user=manager)
    assert [result[lead.pk] for lead in more] == [c.pk, a.pk]


def test_convert_refuses_an_account_the_user_cannot_see(sales):
    hidden = AccountFactory(owner=user_with("sales"))
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales)
    with pytest.raises(ValidationError) as info:
        convert(lead, sales, account=str(hidden.pk))
    assert "account" in info.value.message_dict
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED and lead.account is None
    assert not Contact.objects.exists()


def test_round_robin_skips_inactive_sales():
    manager = user_with("manager")
    a = user_with("sales")
    user_with("sales", is_active=False)
    c = user_with("sales")
    leads = [LeadFactory() for _ in range(3)]
    result = services.lead_assign_round_robin(leads=leads, user=manager)
    assert [result[lead.pk] for lead in leads] == [a.pk, c.pk, a.pk]


# --- scoring -----------------------------------------------------------------------------


def test_score_rises_with_completeness_and_activity(sales):
    bare = Lead(name="x", source=LeadSource.OTHER)
    assert lead_score(bare, activity_count=0) == 2
    full = Lead(
        name="x",
        source=LeadSource.REFERRAL,
        email="a@b.cn",
        phone="1",
        company="c",
        title="t",
        need="n",
        budget=Decimal("1"),
        decision_maker="d",
    )
    full.expected_close_date = "2030-01-01"
    assert lead_score(full, activity_count=0) == 20 + 10 + 8 + 7 + 5 + 10 + 10 + 5 + 5
    assert lead_score(full, activity_count=100) == 100


def test_activity_raises_the_stored_score(sales):
    lead = services.lead_create(user=sales, name="A", email="a@example.com")
    before = lead.score
    activity_create(record=lead, owner=sales, kind="call", subject="Intro call")
    activity_create(record=lead, owner=sales, kind="email", subject="Brochure")
    after = Lead.objects.get(pk=lead.pk)
    assert after.score == before + 8
    assert after.last_activity_at is not None


def test_created_lead_has_a_score(sales):
    lead = services.lead_create(
        user=sales, name="A", email="a@example.com", source=LeadSource.REFERRAL
    )
    assert lead.score == 20 + 10


def test_round_robin_refuses_closed_leads_and_assigns_nothing():
    user_with("sales")
    open_lead, closed = LeadFactory(), lead_in(LeadStatus.CONVERTED)
    with pytest.raises(ValidationError):
        services.lead_assign_round_robin(leads=[open_lead, closed], user=user_with("marketing"))
    open_lead.refresh_from_db()
    assert open_lead.owner_id is None


def test_migration_drops_owner_grants_and_keeps_shares():
    """Existing rows: the data migration removes the grants owners held on their own leads
    (the owner rule covers them) and keeps the real shares."""
    import importlib

    from django.apps import apps
    from guardian.shortcuts import assign_perm

    migration = importlib.import_module("leads.migrations.0007_drop_owner_grants")
    owner, colleague = user_with("sales"), user_with("sales")
    lead = LeadFactory(owner=owner)
    assign_perm("leads.view_lead", owner, lead)
    assign_perm("leads.change_lead", owner, lead)
    assign_perm("leads.view_lead", colleague, lead)
    migration.drop_redundant_grants(apps, None)
    grants = LeadUserObjectPermission.objects.filter(content_object=lead)
    assert list(grants.values_list("user_id", flat=True)) == [colleague.pk]
    assert lead_list(user=owner).filter(pk=lead.pk).exists()
    assert lead_list(user=colleague).filter(pk=lead.pk).exists()
