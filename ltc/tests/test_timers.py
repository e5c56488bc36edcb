"""The hand-off timer mechanism: remind at the target, escalate later, each once."""

import datetime

import pytest
from django.utils import timezone

from leads import services as lead_services
from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc import timers
from notifications.models import Notification
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def assigned_lead():
    owner = user_with("sales", username="owner")
    lead = LeadFactory()
    lead_services.lead_assign(lead=lead, owner=owner, user=user_with("marketing"))
    Notification.objects.all().delete()
    return lead, owner


def age(lead, hours):
    Lead.objects.filter(pk=lead.pk).update(assigned_at=timezone.now() - hours * HOUR)


def keys(prefix):
    return list(
        Notification.objects.filter(key__startswith=prefix).values_list(
            "recipient__username", flat=True
        )
    )


def test_not_late_yet_sends_nothing(assigned_lead):
    lead, _owner = assigned_lead
    age(lead, 23)
    assert timers.check_all()["lead_first_touch"] == {"reminded": 0, "escalated": 0}


def test_reminds_owner_then_escalates_to_managers_once_each(assigned_lead):
    lead, owner = assigned_lead
    manager = user_with("manager", username="boss")
    age(lead, 25)
    assert timers.check_all()["lead_first_touch"] == {"reminded": 1, "escalated": 0}
    later = timezone.now() + 24 * HOUR  # the same wait, a day later: past 2 × target
    assert timers.check_all(now=later)["lead_first_touch"] == {"reminded": 0, "escalated": 1}
    assert timers.check_all(now=later)["lead_first_touch"] == {"reminded": 0, "escalated": 0}
    assert keys("handoff-remind:lead_first_touch") == [owner.username]
    assert keys("handoff-escalate:lead_first_touch") == [manager.username]


def test_escalates_to_the_owners_team_lead_when_there_is_one(assigned_lead):
    lead, owner = assigned_lead
    user_with("manager")
    team = TeamFactory(lead=user_with("sales", username="teamlead"))
    team.members.add(owner)
    age(lead, 60)
    result = timers.check_all()["lead_first_touch"]
    assert result == {"reminded": 1, "escalated": 1}
    assert keys("handoff-escalate:") == ["teamlead"]
    assert keys("handoff-remind:") == ["owner"]


def test_unassigned_new_lead_waits_on_marketing():
    marketing = user_with("marketing", username="mkt")
    lead = LeadFactory()
    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - 5 * HOUR)
    assert timers.check_all()["lead_assignment"]["reminded"] == 1
    assert keys("handoff-remind:lead_assignment") == [marketing.username]


def test_target_comes_from_settings(settings, assigned_lead):
    lead, _owner = assigned_lead
    settings.LTC = {**settings.LTC, "HANDOFF_TARGET_HOURS": {"lead_first_touch": 2}}
    age(lead, 3)
    assert timers.check_all()["lead_first_touch"]["reminded"] == 1


def test_where_work_waits_page_for_managers_only(client, assigned_lead):
    lead, owner = assigned_lead
    age(lead, 30)
    client.force_login(owner)
    assert client.get("/handoffs/").status_code == 403
    client.force_login(user_with("manager"))
    response = client.get("/handoffs/")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["name"] == "lead_first_touch")
    assert (row["waiting"], row["late"]) == (1, 1)
