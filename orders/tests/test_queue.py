"""Operations' work queue (oldest first, bounded queries) and the hand-off timer."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from ltc.tasks import check_handoff_timers
from ltc.timers import check
from ltc.workqueue import work_queue
from notifications.models import Notification
from orders.models import Order
from orders.tests.factories import order_in
from orders.timers import ORDER_FULFILMENT
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def escalate_unstarted_orders() -> int:
    return check(ORDER_FULFILMENT)["escalated"]


def confirmed_hours_ago(hours: float) -> Order:
    order = order_in("confirmed")
    Order.objects.filter(pk=order.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(hours=hours)
    )
    return order


def section(user, title):
    (found,) = [s for s in work_queue(user)["sections"] if str(s["title"]) == title]
    return found


def test_operations_see_orders_waiting_on_them_oldest_first():
    newer = confirmed_hours_ago(1)
    older = confirmed_hours_ago(5)
    order_in("pending")  # waits on sales, not operations
    ops = user_with("operations")
    to_start = section(ops, "Confirmed orders to start")
    assert [o.pk for o in to_start["items"]] == [older.pk, newer.pk]
    busy = order_in("in_fulfillment")
    assert [o.pk for o in section(ops, "Orders in fulfilment to ship")["items"]] == [busy.pk]


def test_sales_see_their_orders_to_confirm():
    order = order_in("pending")
    order_in("pending")  # someone else's
    assert [o.pk for o in section(order.owner, "Orders to confirm")["items"]] == [order.pk]


def test_delivered_orders_with_an_acceptance_milestone_wait_on_sales_and_service():
    from contracts.models import MilestoneTrigger

    waiting = order_in("delivered")
    waiting.contract.milestones.update(trigger=MilestoneTrigger.ON_ACCEPTANCE)
    order_in("delivered")  # its plan has no acceptance milestone: nothing to wait for
    accepted = order_in("accepted")
    accepted.contract.milestones.update(trigger=MilestoneTrigger.ON_ACCEPTANCE)
    title = "Delivered orders awaiting the customer's acceptance"
    assert [o.pk for o in section(waiting.owner, title)["items"]] == [waiting.pk]
    assert [o.pk for o in section(user_with("service"), title)["items"]] == [waiting.pk]
    assert section(user_with("sales"), title)["items"] == []  # not theirs


def test_the_queue_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    ops = user_with("operations")
    for n in (2, 12):
        while Order.objects.filter(status="confirmed").count() < n:
            confirmed_hours_ago(2)
        with django_assert_max_num_queries(12):
            queue = work_queue(ops)
            for s in queue["sections"]:
                [str(o.account) for o in s["items"]]


def test_late_order_escalates_to_the_operations_manager_once():
    ops_manager = user_with("operations", "manager")
    plain_manager = user_with("manager")
    late = confirmed_hours_ago(settings.LTC["ORDER_FULFILMENT_START_HOURS"] + 1)
    confirmed_hours_ago(1)  # not late yet
    assert escalate_unstarted_orders() == 1
    assert escalate_unstarted_orders() == 0
    assert check_handoff_timers()["order_fulfilment"]["escalated"] == 0
    (note,) = Notification.objects.filter(recipient=ops_manager)
    assert note.key.startswith(f"handoff-escalate:order_fulfilment:{late.pk}:")
    assert not Notification.objects.filter(recipient=plain_manager).exists()


def test_without_an_operations_manager_every_manager_is_told():
    managers = [user_with("manager"), user_with("manager")]
    confirmed_hours_ago(30)
    assert escalate_unstarted_orders() == 2
    assert all(Notification.objects.filter(recipient=m).count() == 1 for m in managers)


def test_started_orders_do_not_escalate_and_hours_come_from_settings():
    user_with("manager")
    order = confirmed_hours_ago(3)
    with override_settings(LTC={**settings.LTC, "ORDER_FULFILMENT_START_HOURS": 2}):
        Order.objects.filter(pk=order.pk).update(status="in_fulfillment")
        assert escalate_unstarted_orders() == 0
        Order.objects.filter(pk=order.pk).update(status="confirmed")
        assert escalate_unstarted_orders() == 1


def test_beat_schedule_has_the_timers():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"ltc.tasks.check_handoff_timers", "contracts.tasks.remind_renewals"} <= tasks
