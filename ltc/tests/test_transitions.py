"""The transition machinery: log rows, the signal, state checks, concurrency."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from leads.models import Lead, LeadStatus
from leads.tests.factories import LeadFactory, lead_in
from ltc.models import TransitionLog
from ltc.transitions import (
    ConcurrentTransition,
    TransitionNotAllowed,
    UnknownTransition,
    perform_transition,
    run,
    transition_specs,
    transitioned,
    transitions_for,
)
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def logs_for(obj):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


@pytest.fixture
def sales():
    return user_with("sales")


def test_transition_writes_one_log_row_with_who_what_and_comment(sales):
    lead = lead_in(LeadStatus.WORKING, owner=sales)
    run(obj=lead, name="disqualify", user=sales, data={"reason": "No budget this year"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED
    assert lead.disqualify_reason == "No budget this year"
    (row,) = logs_for(lead)
    assert (row.transition, row.source, row.target) == ("disqualify", "working", "disqualified")
    assert row.by == sales
    assert row.comment == "No budget this year"
    assert row.at is not None


def test_explicit_comment_is_logged(sales):
    lead = lead_in(LeadStatus.WORKING, owner=sales)
    run(obj=lead, name="qualify", user=sales, data={"comment": "BANT confirmed on call"})
    (row,) = logs_for(lead)
    assert row.comment == "BANT confirmed on call"
    assert row.target == LeadStatus.QUALIFIED


def test_every_transition_in_a_chain_is_logged_in_order(sales):
    lead = LeadFactory(owner=sales)
    run(obj=lead, name="start_work", user=sales)
    lead.refresh_from_db()
    run(obj=lead, name="nurture", user=sales)
    rows = list(logs_for(lead).values_list("transition", "source", "target"))
    assert rows == [("start_work", "new", "working"), ("nurture", "working", "nurturing")]


def test_returned_instance_is_saved_in_new_state(sales):
    lead = LeadFactory(owner=sales)
    result = run(obj=lead, name="start_work", user=sales)
    assert result.status == LeadStatus.WORKING
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WORKING


def test_transitions_for_lists_every_transition_with_target_and_allowed(sales):
    lead = LeadFactory(owner=sales)
    rows = {r["name"]: r for r in transitions_for(lead, sales)}
    assert list(rows) == [s.name for s in transition_specs(Lead)]
    assert set(rows) == {
        "start_work",
        "nurture",
        "recycle",
        "qualify",
        "disqualify",
        "convert",
        "reopen",
    }
    assert rows["start_work"]["target"] == LeadStatus.WORKING
    allowed = {name for name, r in rows.items() if r["allowed"]}
    assert allowed == {"start_work", "nurture", "disqualify"}
    assert str(rows["start_work"]["label"]) == "Start work"


def test_transitions_for_respects_owner_and_role():
    owner, other, marketing = user_with("sales"), user_with("sales"), user_with("marketing")
    lead = LeadFactory(owner=owner)
    allowed = {r["name"] for r in transitions_for(lead, other) if r["allowed"]}
    assert allowed == {"nurture", "disqualify"}
    allowed = {r["name"] for r in transitions_for(lead, marketing) if r["allowed"]}
    assert allowed == {"nurture", "disqualify"}
    assert not any(r["allowed"] for r in transitions_for(lead, None))


def test_stale_object_raises_concurrent_transition_and_changes_nothing(sales):
    lead = LeadFactory(owner=sales)
    stale = Lead.objects.get(pk=lead.pk)
    run(obj=lead, name="start_work", user=sales)
    with pytest.raises(ConcurrentTransition):
        run(obj=stale, name="nurture", user=sales)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WORKING
    assert logs_for(lead).count() == 1


def test_wrong_state_raises_transition_not_allowed(sales):
    lead = LeadFactory(owner=sales)
    with pytest.raises(TransitionNotAllowed):
        run(obj=lead, name="qualify", user=sales)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    assert not logs_for(lead).exists()


def test_wrong_state_is_reported_before_missing_fields(sales):
    lead = lead_in(LeadStatus.CONVERTED, owner=sales)
    with pytest.raises(TransitionNotAllowed) as info:
        run(obj=lead, name="disqualify", user=sales, data={})
    assert "is not possible from Converted" in str(info.value)


def test_unknown_transition(sales):
    lead = LeadFactory(owner=sales)
    with pytest.raises(UnknownTransition):
        run(obj=lead, name="teleport", user=sales)
    with pytest.raises(UnknownTransition):
        perform_transition(obj=lead, name="save", user=sales)


def test_wrong_role_raises_permission_denied_and_changes_nothing():
    lead = LeadFactory(owner=user_with("sales"))
    finance = user_with("finance")
    with pytest.raises(PermissionDenied) as info:
        run(obj=lead, name="nurture", user=finance)
    assert "Nurture" in str(info.value)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    assert not logs_for(lead).exists()


def test_rule_failure_raises_validation_error_and_changes_nothing(sales):
    lead = lead_in(LeadStatus.WORKING, owner=sales, need="", decision_maker="")
    with pytest.raises(ValidationError) as info:
        run(obj=lead, name="qualify", user=sales, data={"need": "ERP"})
    assert set(info.value.message_dict) == {"decision_maker"}
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.status == LeadStatus.WORKING
    assert fresh.need == ""  # the partial input of a refused transition is not saved
    assert not logs_for(lead).exists()


def test_bad_field_type_is_a_validation_error(sales):
    lead = lead_in(LeadStatus.WORKING, owner=sales)
    with pytest.raises(ValidationError) as info:
        run(obj=lead, name="qualify", user=sales, data={"budget": "lots"})
    assert "budget" in info.value.message_dict
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WORKING


def test_system_run_skips_role_check_and_logs_no_user():
    lead = LeadFactory()
    perform_transition(obj=lead, name="nurture", user=None, system=True)
    (row,) = logs_for(lead)
    assert row.by is None
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NURTURING


def test_transitioned_signal_is_sent_once_with_details(sales):
    lead = LeadFactory(owner=sales)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    transitioned.connect(receiver)
    try:
        run(obj=lead, name="start_work", user=sales)
    finally:
        transitioned.disconnect(receiver)
    assert len(received) == 1
    sender, kwargs = received[0]
    assert sender is Lead
    assert kwargs["instance"].pk == lead.pk
    assert kwargs["name"] == "start_work"
    assert (kwargs["source"], kwargs["target"]) == ("new", "working")
    assert kwargs["user"] == sales


def test_signal_receiver_failure_rolls_back_the_transition(sales):
    lead = LeadFactory(owner=sales)

    def boom(sender, **kwargs):
        raise RuntimeError("listener failed")

    transitioned.connect(boom)
    try:
        with pytest.raises(RuntimeError):
            run(obj=lead, name="start_work", user=sales)
    finally:
        transitioned.disconnect(boom)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    assert not logs_for(lead).exists()


def test_state_field_cannot_be_assigned_directly():
    lead = LeadFactory()
    with pytest.raises(AttributeError):
        lead.status = LeadStatus.CONVERTED
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


def test_full_clean_leaves_the_state_field_alone():
    lead = LeadFactory()
    lead.full_clean()  # does not trip over the protected field
    assert lead.status == LeadStatus.NEW


# --- PostgreSQL: real row locks ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_same_transition_exactly_one_wins():
    owner = user_with("sales")
    lead = LeadFactory(owner=owner)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            mine = Lead.objects.get(pk=lead.pk)
            barrier.wait(timeout=10)
            run(obj=mine, name="start_work", user=owner)
            results.append("ok")
        except (ConcurrentTransition, TransitionNotAllowed) as exc:
            results.append(type(exc).__name__)
        except Exception as exc:  # pragma: no cover - reported in the assertion
            results.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results.count("ok") == 1, results
    assert len(results) == 2
    other = [r for r in results if r != "ok"]
    assert other[0] in ("ConcurrentTransition", "TransitionNotAllowed"), results
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.WORKING
    assert logs_for(lead).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_convert_once_creates_one_account():
    from customers.models import Account

    owner = user_with("sales")
    lead = lead_in(LeadStatus.QUALIFIED, owner=owner, company="Race Condition Ltd")
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            mine = Lead.objects.get(pk=lead.pk)
            barrier.wait(timeout=10)
            run(obj=mine, name="convert", user=owner)
            results.append("ok")
        except (ConcurrentTransition, TransitionNotAllowed) as exc:
            results.append(type(exc).__name__)
        except Exception as exc:  # pragma: no cover
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results.count("ok") == 1, results
    assert Account.objects.filter(name__iexact="race condition ltd").count() == 1
    assert logs_for(lead).count() == 1


def test_model_without_state_machine_has_no_transitions(sales):
    from customers.tests.factories import AccountFactory

    with pytest.raises(UnknownTransition):
        run(obj=AccountFactory(owner=sales), name="approve", user=sales)


def test_transition_url_on_a_record_without_state_machine_is_404(client, sales):
    from django.urls import reverse

    from customers.tests.factories import AccountFactory

    account = AccountFactory(owner=sales)
    client.force_login(sales)
    response = client.post(reverse("transition", args=["customers", "account", account.pk, "x"]))
    assert response.status_code == 404


def test_check_writes_nothing_and_apply_runs_it(sales):
    from ltc.transitions import apply_transition, check_transition

    lead = LeadFactory(owner=sales)
    checked = check_transition(obj=lead, name="start_work", user=sales)
    assert (checked.name, checked.source) == ("start_work", LeadStatus.NEW)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    assert not logs_for(lead).exists()
    result = apply_transition(checked, lead)
    assert result.status == LeadStatus.WORKING
    assert list(logs_for(lead).values_list("transition", flat=True)) == ["start_work"]


def test_apply_rechecks_the_state_on_the_locked_row(sales):
    """A check that passed on a stale read is refused when the row moved before the lock."""
    from ltc.transitions import apply_transition, check_transition

    lead = LeadFactory(owner=sales)
    checked = check_transition(obj=lead, name="start_work", user=sales)
    run(obj=Lead.objects.get(pk=lead.pk), name="start_work", user=sales)
    with pytest.raises(ConcurrentTransition):
        apply_transition(checked, lead)
    assert logs_for(lead).count() == 1


def test_apply_locked_rechecks_the_role_on_the_locked_row(sales):
    """The role is checked again while the lock is held: an owner-only transition is refused
    when the owner changed between the check and the lock."""
    from django.db import transaction

    from ltc.transitions import apply_locked, check_transition, lock

    lead = LeadFactory(owner=sales)
    checked = check_transition(obj=lead, name="start_work", user=sales)
    Lead.objects.filter(pk=lead.pk).update(owner=user_with("sales"))
    with pytest.raises(PermissionDenied), transaction.atomic():
        apply_locked(checked, lock(lead))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
