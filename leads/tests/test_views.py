"""Leads in the browser: the full role x transition matrix, forms, assignment, visibility."""

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from leads.models import Lead, LeadStatus, RoundRobinCursor
from leads.tests.factories import LeadFactory, lead_in
from ltc.models import TransitionLog
from roles.tests.factories import TeamFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db

S = LeadStatus

# DESIGN.md, Lead table, written out by hand: transition -> (valid sources, target, who).
# "sales_owner" is sales owning the lead; "sales" is any salesperson who can see it.
DESIGN = {
    "start_work": ([S.NEW], S.WORKING, {"sales_owner"}),
    "nurture": ([S.NEW, S.WORKING], S.NURTURING, {"marketing", "sales", "sales_owner"}),
    "recycle": ([S.NURTURING], S.NEW, {"marketing"}),
    "qualify": ([S.WORKING], S.QUALIFIED, {"sales", "sales_owner"}),
    "disqualify": (
        [S.NEW, S.WORKING, S.NURTURING, S.QUALIFIED],
        S.DISQUALIFIED,
        {"marketing", "sales", "sales_owner"},
    ),
    "convert": ([S.QUALIFIED], S.CONVERTED, {"sales", "sales_owner"}),
    "reopen": ([S.DISQUALIFIED], S.NEW, {"manager"}),
}
# A state each transition cannot start from.
WRONG_STATE = {
    "start_work": S.WORKING,
    "nurture": S.QUALIFIED,
    "recycle": S.NEW,
    "qualify": S.NEW,
    "disqualify": S.CONVERTED,
    "convert": S.WORKING,
    "reopen": S.NURTURING,
}
# The fields each transition's rule needs, valid.
DATA = {"disqualify": {"reason": "No budget this year"}, "qualify": {"comment": "BANT ok"}}

# Who is asking, relative to a lead owned by `owner` (a salesperson in a team led by
# `sales_team_lead`). Roles that may not see the lead get 404, as for a record that is not there.
ACTORS = [
    "marketing",
    "sales_owner",
    "sales_team_lead",
    "sales_granted",
    "sales_other",
    "sales_support",
    "operations",
    "finance",
    "service",
    "manager",
    "superuser",
]
SEES_LEAD = {"marketing", "sales_owner", "sales_team_lead", "sales_granted", "manager", "superuser"}
ROLE_OF = {
    "sales_owner": "sales_owner",
    "sales_team_lead": "sales",
    "sales_granted": "sales",
    "sales_other": "sales",
}


def may_run(actor: str, transition: str) -> bool:
    if actor == "superuser":
        return True
    return ROLE_OF.get(actor, actor) in DESIGN[transition][2]


class People:
    def __init__(self):
        self.owner = user_with("sales")
        self.team_lead = user_with("sales")
        team = TeamFactory(lead=self.team_lead)
        team.members.add(self.owner)
        self.granted = user_with("sales")
        self.by_actor = {
            "sales_owner": self.owner,
            "sales_team_lead": self.team_lead,
            "sales_granted": self.granted,
            "sales_other": user_with("sales"),
            "superuser": UserFactory(is_superuser=True, is_staff=True),
        }
        for role in ("marketing", "sales_support", "operations", "finance", "service", "manager"):
            self.by_actor[role] = user_with(role)

    def lead(self, status, **kwargs):
        lead = lead_in(status, owner=self.owner, **kwargs)
        assign_perm("leads.view_lead", self.granted, lead)
        return lead


@pytest.fixture
def people():
    return People()


def transition_url(lead, name):
    return reverse("transition", args=["leads", "lead", lead.pk, name])


def logs(lead):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Lead), object_id=lead.pk
    )


def page_text(response) -> str:
    return html.unescape(response.content.decode())


MATRIX = [
    (actor, name, source)
    for name, (sources, _t, _w) in DESIGN.items()
    for source in sources
    for actor in ACTORS
]


@pytest.mark.parametrize(
    "actor, name, source", MATRIX, ids=[f"{a}-{n}-from-{s}" for a, n, s in MATRIX]
)
def test_transition_matrix(client, people, actor, name, source):
    lead = people.lead(source)
    user = people.by_actor[actor]
    client.force_login(user)
    response = client.post(transition_url(lead, name), DATA.get(name, {}))
    fresh = Lead.objects.get(pk=lead.pk)
    if actor not in SEES_LEAD:
        assert response.status_code == 404
        assert fresh.status == source
        assert not logs(lead).exists()
    elif may_run(actor, name):
        assert response.status_code == 302, page_text(response)[:2000]
        assert response["Location"] == lead.get_absolute_url()
        assert fresh.status == DESIGN[name][1]
        (row,) = logs(lead)
        assert (row.transition, row.source, row.target, row.by) == (
            name,
            source,
            DESIGN[name][1],
            user,
        )
    else:
        assert response.status_code == 403
        assert "may not run" in page_text(response)
        assert fresh.status == source
        assert not logs(lead).exists()


@pytest.mark.parametrize("name", list(DESIGN))
@pytest.mark.parametrize("actor", ["designated", "superuser"])
def test_transition_from_the_wrong_state_is_409(client, people, name, actor):
    lead = people.lead(WRONG_STATE[name])
    if actor == "designated":
        role = sorted(DESIGN[name][2])[-1]
        user = people.owner if role in ("sales", "sales_owner") else people.by_actor[role]
    else:
        user = people.by_actor["superuser"]
    client.force_login(user)
    response = client.post(transition_url(lead, name), DATA.get(name, {}))
    assert response.status_code == 409
    assert "is not possible from" in page_text(response)
    assert Lead.objects.get(pk=lead.pk).status == WRONG_STATE[name]
    assert not logs(lead).exists()


def test_qualify_without_bant_is_400_with_the_reasons_and_changes_nothing(client, people):
    lead = people.lead(S.WORKING, need="", budget=None, decision_maker="")
    client.force_login(people.owner)
    response = client.post(transition_url(lead, "qualify"), {"need": "ERP rollout"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Record the budget before qualifying." in text
    assert "Name the decision maker before qualifying." in text
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.status == S.WORKING
    assert fresh.need == ""
    assert not logs(lead).exists()


def test_qualify_with_bant_given_in_the_form(client, people):
    lead = people.lead(S.WORKING, need="", budget=None, decision_maker="", expected_close_date=None)
    client.force_login(people.owner)
    response = client.post(
        transition_url(lead, "qualify"),
        {
            "need": "ERP rollout",
            "budget": "120000.00",
            "expected_close_date": "2030-06-30",
            "decision_maker": "CFO Wang",
        },
    )
    assert response.status_code == 302
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.status == S.QUALIFIED
    assert (fresh.need, str(fresh.budget), fresh.decision_maker) == (
        "ERP rollout",
        "120000.00",
        "CFO Wang",
    )


def test_qualify_with_bad_budget_is_400(client, people):
    lead = people.lead(S.WORKING)
    client.force_login(people.owner)
    response = client.post(transition_url(lead, "qualify"), {"budget": "a lot"})
    assert response.status_code == 400
    assert "Budget: Enter a number." in page_text(response)
    assert Lead.objects.get(pk=lead.pk).status == S.WORKING


@pytest.mark.parametrize("reason", ["", "   "])
def test_disqualify_without_reason_is_400_and_changes_nothing(client, people, reason):
    lead = people.lead(S.NEW)
    client.force_login(people.by_actor["marketing"])
    response = client.post(transition_url(lead, "disqualify"), {"reason": reason})
    assert response.status_code == 400
    assert "Reason: This field is required." in page_text(response)
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.status == S.NEW
    assert fresh.disqualify_reason == ""
    assert not logs(lead).exists()


def test_second_convert_is_409(client, people):
    lead = people.lead(S.QUALIFIED)
    client.force_login(people.owner)
    assert client.post(transition_url(lead, "convert")).status_code == 302
    response = client.post(transition_url(lead, "convert"))
    assert response.status_code == 409
    assert logs(lead).count() == 1


def test_unknown_transition_is_404_and_changes_nothing(client, people):
    lead = people.lead(S.NEW)
    client.force_login(people.owner)
    response = client.post(transition_url(lead, "teleport"))
    assert response.status_code == 404
    assert "There is no such action." in page_text(response)
    assert Lead.objects.get(pk=lead.pk).status == S.NEW


def test_transition_needs_post_and_login(client, people):
    lead = people.lead(S.NEW)
    url = transition_url(lead, "start_work")
    assert client.post(url).status_code == 302  # to login
    assert Lead.objects.get(pk=lead.pk).status == S.NEW
    client.force_login(people.owner)
    assert client.get(url).status_code == 405
    assert Lead.objects.get(pk=lead.pk).status == S.NEW


def test_missing_lead_is_404(client, people):
    client.force_login(people.by_actor["superuser"])
    response = client.post(reverse("transition", args=["leads", "lead", 999999, "nurture"]))
    assert response.status_code == 404
    response = client.post(reverse("transition", args=["leads", "nosuchmodel", 1, "nurture"]))
    assert response.status_code == 404


# --- the detail page offers exactly the allowed transitions --------------------------------


@pytest.mark.parametrize("actor", sorted(SEES_LEAD))
def test_detail_page_shows_exactly_the_allowed_transitions(client, people, actor):
    user = people.by_actor[actor]
    client.force_login(user)
    for state in S.values:
        lead = people.lead(state)
        response = client.get(lead.get_absolute_url())
        assert response.status_code == 200
        expected = {
            name
            for name, (sources, _t, _w) in DESIGN.items()
            if state in sources and may_run(actor, name)
        }
        shown = {t["name"] for t in response.context["transitions"]}
        assert shown == expected, (actor, state)
        text = response.content.decode()
        for name in DESIGN:
            assert (transition_url(lead, name) in text) == (name in expected), (actor, state, name)


@pytest.mark.parametrize("actor", sorted(set(ACTORS) - SEES_LEAD))
def test_detail_page_is_404_for_who_may_not_see_the_lead(client, people, actor):
    lead = people.lead(S.NEW)
    client.force_login(people.by_actor[actor])
    assert client.get(lead.get_absolute_url()).status_code == 404


def test_detail_page_shows_history(client, people):
    lead = people.lead(S.NEW)
    client.force_login(people.owner)
    client.post(transition_url(lead, "start_work"))
    response = client.get(lead.get_absolute_url())
    assert [h.transition for h in response.context["history"]] == ["start_work"]


# --- create and edit -----------------------------------------------------------------------


def lead_form(**overrides):
    data = {
        "name": "Zhang Min",
        "company": "Minghui",
        "email": "zhang.min@minghui.example.cn",
        "phone": "",
        "source": "web",
        "currency": "CNY",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["marketing", "sales"])
def test_create_lead(client, role):
    user = user_with(role)
    client.force_login(user)
    assert client.get(reverse("leads:create")).status_code == 200
    response = client.post(reverse("leads:create"), lead_form())
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == lead.get_absolute_url()
    assert lead.status == S.NEW
    assert lead.created_by == user
    assert lead.owner == (user if role == "sales" else None)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "", "phone": ""}, "__all__", "Give an email or a phone number"),
        ({"budget": "-abc"}, "budget", "Enter a number."),
        ({"source": "carrier-pigeon"}, "source", "Select a valid choice."),
        ({"currency": "XXX"}, "currency", ""),
    ],
)
def test_create_lead_bad_input_reshows_form_and_creates_nothing(client, overrides, field, message):
    client.force_login(user_with("marketing"))
    response = client.post(reverse("leads:create"), lead_form(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    if message:
        assert message in page_text(response)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("role", ["sales_support", "operations", "finance", "service", "manager"])
def test_create_lead_refused_for_other_roles(client, role):
    client.force_login(user_with(role))
    assert client.get(reverse("leads:create")).status_code == 403
    assert client.post(reverse("leads:create"), lead_form()).status_code == 403
    assert not Lead.objects.exists()


def test_edit_lead_by_owner(client, people):
    lead = people.lead(S.WORKING)
    client.force_login(people.owner)
    assert client.get(reverse("leads:edit", args=[lead.pk])).status_code == 200
    response = client.post(
        reverse("leads:edit", args=[lead.pk]), lead_form(name="Renamed", email=lead.email)
    )
    assert response.status_code == 302
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.name == "Renamed"
    assert fresh.status == S.WORKING  # editing never moves the state


def test_edit_lead_bad_input_changes_nothing(client, people):
    lead = people.lead(S.NEW)
    client.force_login(people.owner)
    response = client.post(
        reverse("leads:edit", args=[lead.pk]), lead_form(name="", email="bad", phone="")
    )
    assert response.status_code == 400
    assert {"name", "email"} <= set(response.context["form"].errors)
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.name, fresh.email) == (lead.name, lead.email)


@pytest.mark.parametrize(
    "actor, status",
    [("sales_team_lead", 403), ("sales_other", 404), ("manager", 403), ("finance", 404)],
)
def test_edit_lead_refused(client, people, actor, status):
    lead = people.lead(S.NEW)
    client.force_login(people.by_actor[actor])
    url = reverse("leads:edit", args=[lead.pk])
    assert client.get(url).status_code == status
    assert client.post(url, lead_form(name="Hijack")).status_code == status
    assert Lead.objects.get(pk=lead.pk).name == lead.name


def test_converted_lead_cannot_be_edited(client, people):
    lead = people.lead(S.CONVERTED)
    client.force_login(people.owner)
    assert client.get(reverse("leads:edit", args=[lead.pk])).status_code == 403


# --- assignment ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["marketing", "manager"])
def test_assign_by_marketing_or_manager(client, role):
    lead = LeadFactory()
    salesperson = user_with("sales")
    client.force_login(user_with(role))
    response = client.post(reverse("leads:assign", args=[lead.pk]), {"owner": salesperson.pk})
    assert response.status_code == 302
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.owner == salesperson
    assert fresh.assigned_at is not None


def test_assign_by_sales_is_refused(client, people):
    lead = people.lead(S.NEW)
    client.force_login(people.owner)
    response = client.post(reverse("leads:assign", args=[lead.pk]), {"owner": people.team_lead.pk})
    assert response.status_code == 403
    assert Lead.objects.get(pk=lead.pk).owner == people.owner


def test_assign_to_a_non_salesperson_changes_nothing(client):
    lead = LeadFactory()
    client.force_login(user_with("marketing"))
    response = client.post(
        reverse("leads:assign", args=[lead.pk]), {"owner": user_with("finance").pk}
    )
    assert response.status_code == 400
    assert "Choose a salesperson." in page_text(response)
    assert Lead.objects.get(pk=lead.pk).owner is None
    response = client.post(reverse("leads:assign", args=[lead.pk]), {"owner": "x"})
    assert response.status_code == 400
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_assign_closed_lead_is_400_with_the_reason(client):
    lead = lead_in(S.CONVERTED)
    client.force_login(user_with("manager"))
    response = client.post(
        reverse("leads:assign", args=[lead.pk]), {"owner": user_with("sales").pk}
    )
    assert response.status_code == 400
    assert "A closed lead cannot be reassigned." in page_text(response)
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_non_owner_is_told_that_only_the_owner_may_start_work(client, people):
    lead = people.lead(S.NEW)
    client.force_login(people.team_lead)
    response = client.post(transition_url(lead, "start_work"))
    assert response.status_code == 403
    assert "only the record's owner may" in page_text(response)
    client.force_login(people.by_actor["marketing"])
    response = client.post(transition_url(lead, "start_work"))
    assert "Your role may not run “Start work”." in page_text(response)


def test_convert_into_an_account_the_user_cannot_see_is_400(client, people):
    from customers.models import Account
    from customers.tests.factories import AccountFactory

    hidden = AccountFactory(owner=people.by_actor["sales_other"])
    lead = people.lead(S.QUALIFIED)
    client.force_login(people.owner)
    response = client.post(transition_url(lead, "convert"), {"account": hidden.pk})
    assert response.status_code == 400
    assert "Select a valid choice." in page_text(response)
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.status == S.QUALIFIED and fresh.account is None
    assert Account.objects.count() == 1
    assert not logs(lead).exists()


def test_round_robin_distributes_in_turn_and_continues(client):
    a, b, c = user_with("sales"), user_with("sales"), user_with("sales")
    client.force_login(user_with("marketing"))
    first = [LeadFactory() for _ in range(4)]
    response = client.post(reverse("leads:round-robin"), {"ids": [x.pk for x in first]})
    assert response.status_code == 302
    owners = [Lead.objects.get(pk=x.pk).owner_id for x in first]
    assert sorted(owners) == sorted([a.pk, b.pk, c.pk, a.pk])
    assert RoundRobinCursor.objects.get(rule="leads").last_user_id == a.pk
    second = [LeadFactory() for _ in range(2)]
    client.post(reverse("leads:round-robin"), {"ids": [x.pk for x in second]})
    assert sorted(Lead.objects.get(pk=x.pk).owner_id for x in second) == [b.pk, c.pk]


def test_round_robin_leaves_assigned_leads_alone(client):
    a = user_with("sales")
    b = user_with("sales")
    taken = LeadFactory(owner=b)
    free = LeadFactory()
    client.force_login(user_with("manager"))
    client.post(reverse("leads:round-robin"), {"ids": [taken.pk, free.pk]})
    assert Lead.objects.get(pk=taken.pk).owner == b
    assert Lead.objects.get(pk=free.pk).owner == a


def test_round_robin_refused_for_sales(client, people):
    lead = people.lead(S.NEW)
    Lead.objects.filter(pk=lead.pk).update(owner=None)
    client.force_login(people.granted)
    response = client.post(reverse("leads:round-robin"), {"ids": [lead.pk]})
    assert response.status_code == 403
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_round_robin_bad_ids_are_a_message_not_a_crash(client):
    user_with("sales")
    client.force_login(user_with("marketing"))
    response = client.post(reverse("leads:round-robin"), {"ids": ["abc", "", "1e3"]})
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "Select unassigned leads to distribute." in page_text(follow)


# --- visibility ------------------------------------------------------------------------------


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("leads:list"), params)
    assert response.status_code == 200
    return {lead.pk for lead in response.context["page"].object_list}


def test_sales_sees_own_team_and_granted_leads_only(client, people):
    own = people.lead(S.NEW)
    outsider = people.by_actor["sales_other"]
    theirs = LeadFactory(owner=outsider)
    granted_other = LeadFactory(owner=outsider)
    assign_perm("leads.view_lead", people.owner, granted_other)
    unowned = LeadFactory()
    assert listed(client, people.owner) == {own.pk, granted_other.pk}
    assert listed(client, people.team_lead) == {own.pk}
    assert listed(client, people.granted) == {own.pk}
    assert listed(client, outsider) == {theirs.pk, granted_other.pk}
    everything = {own.pk, theirs.pk, granted_other.pk, unowned.pk}
    for actor in ("marketing", "manager", "superuser"):
        assert listed(client, people.by_actor[actor]) == everything
    # the same rule guards the detail page
    client.force_login(people.owner)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(granted_other.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ["sales_support", "operations", "finance", "service"])
def test_other_roles_cannot_open_the_leads_list(client, role):
    LeadFactory()
    client.force_login(user_with(role))
    assert client.get(reverse("leads:list")).status_code == 403


def test_list_needs_login(client):
    response = client.get(reverse("leads:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_list_filters(client, people):
    a = people.lead(S.NEW, name="Alpha Person", company="Alpha Co")
    b = people.lead(S.WORKING, name="Beta Person", company="Beta Co")
    marketing = people.by_actor["marketing"]
    assert listed(client, marketing, q="alpha") == {a.pk}
    assert listed(client, marketing, status="working") == {b.pk}
    assert listed(client, marketing, status="nonsense") == {a.pk, b.pk}


def test_list_page_runs_a_fixed_number_of_queries(client, people):
    marketing = people.by_actor["marketing"]
    client.force_login(marketing)
    for _ in range(3):
        people.lead(S.NEW)
    client.get(reverse("leads:list"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("leads:list")).status_code == 200
    for _ in range(40):
        people.lead(S.WORKING)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("leads:list")).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_detail_page_runs_a_fixed_number_of_queries(client, people):
    lead = people.lead(S.NEW)
    client.force_login(people.owner)
    client.get(lead.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(lead.get_absolute_url())
    for i in range(5):
        client.post(
            reverse("activity-add", args=["leads", "lead", lead.pk]),
            {"kind": "call", "subject": f"Call {i}"},
        )
    client.post(transition_url(lead, "start_work"))
    client.get(lead.get_absolute_url())  # shows and clears the flash messages
    with CaptureQueriesContext(connection) as many:
        client.get(lead.get_absolute_url())
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Owner", "Score", "Unassigned", "Lead score (0–100)", "Budget"]),
        ("zh-hans", ["负责人", "评分", "未分配", "线索评分（0–100）", "预算"]),
    ],
)
def test_list_rows_draw_each_chosen_column(client, language, words):
    """The cells drawn in Python (leads/listing.py): link, company, state, owner or the
    unassigned chip, score heat, created date, budget or a dash, and the plain columns."""
    owner_label, score_label, unassigned, score_title, budget_label = words
    seller = UserFactory(username="seller", first_name="Mei", last_name="Lin")
    seller.groups.add(*user_with("sales").groups.all())
    owned = LeadFactory(name="Hot <Lead>", company="", email="hot@x.cn", owner=seller, score=70)
    owned.budget = "250000.00"
    owned.save()
    LeadFactory(name="Warm Lead", company="Warm Co", score=40)
    LeadFactory(name="Cold Lead", company="Cold Co", score=10)
    client.force_login(user_with("manager"))
    client.cookies["django_language"] = language
    cols = "name,status,owner,score,created,budget,email"
    page = client.get(reverse("leads:list"), {"cols": cols}).content.decode()
    rows = {
        name: row
        for row in page.split("<tr>")[2:]
        for name in ("Hot &lt;Lead&gt;", "Warm Lead", "Cold Lead")
        if f">{name}</a>" in row
    }
    hot, warm, cold = rows["Hot &lt;Lead&gt;"], rows["Warm Lead"], rows["Cold Lead"]
    assert f'href="{owned.get_absolute_url()}"' in hot
    assert '<span class="cell-sub">hot@x.cn</span>' in hot  # no company: the e-mail
    assert '<span class="cell-sub">Warm Co</span>' in warm
    assert 'class="badge-state state-new"' in hot
    assert f'<td data-label="{owner_label}"><span class="owner-line">' in hot
    assert ">ML</span>Mei Lin</span>" in hot
    assert f'<span class="chip chip-muted">{unassigned}</span>' in warm
    assert f'<td data-label="{score_label}"><span class="score hot" title="{score_title}">' in hot
    assert '<span class="score warm"' in warm and '<span class="score"' in cold
    assert 'style="width: 70%"></span></span>70</span>' in hot
    created = timezone.localtime(owned.created_at)
    assert f'title="{created:%Y-%m-%d %H:%M}">{created:%Y-%m-%d}</td>' in hot
    assert f'<td class="num" data-label="{budget_label}">¥250,000.00</td>' in hot
    assert f'<td class="num" data-label="{budget_label}">—</td>' in warm
    assert '">hot@x.cn</td>' in hot  # a plain column
    order = [hot.index(mark) for mark in ("cell-main", "badge-state", "owner-line", "score hot")]
    assert order == sorted(order)  # in the chosen order
