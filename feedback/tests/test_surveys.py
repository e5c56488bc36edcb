"""Surveys: sent after delivery (NPS) and resolution (CSAT) with a signed single-use link;
the public page in the survey's language; forged, expired, reused links and bad answers
refused; exactly one of two simultaneous answers wins (PostgreSQL)."""

from __future__ import annotations

import re
import threading

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from customers.tests.factories import AccountFactory, ContactFactory
from feedback import services
from feedback.models import AccountFlag, Survey
from feedback.tests.factories import survey_for, ticket_in
from ltc.transitions import run
from roles.tests.factories import user_with

LINK = re.compile(r"https?://\S+/service/survey/(\S+)/")


def _token_from_mail(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_delivering_an_order_sends_one_nps_link(django_capture_on_commit_callbacks):
    from orders.tests.factories import order_in

    order = order_in("shipped")
    contact = ContactFactory(
        account=order.account, email="buyer@example.com", language="zh-hans", is_primary=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(
            obj=order,
            name="deliver",
            user=user_with("operations"),
            data={"delivered_on": timezone.localdate().isoformat()},
        )
    survey = Survey.objects.get(order=order)
    assert survey.kind == "nps" and survey.contact == contact and survey.language == "zh-hans"
    assert survey.sent_at is not None
    sent = [m for m in mail.outbox if m.to == ["buyer@example.com"]]
    assert len(sent) == 1
    token = _token_from_mail(sent[0])
    assert services.survey_from_link(token) == survey
    # Running the hand-off again does not send a second survey.
    assert services.survey_for_delivered_order(order=order) is None


@pytest.mark.django_db
def test_resolving_a_ticket_sends_a_csat_survey(django_capture_on_commit_callbacks):
    account = AccountFactory()
    contact = ContactFactory(account=account, email="cs@example.com", language="en")
    ticket = ticket_in("in_progress", account=account, contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        run(obj=ticket, name="resolve", user=user_with("service"), data={"resolution": "Fixed"})
    survey = Survey.objects.get(ticket=ticket)
    assert survey.kind == "csat" and survey.email == "cs@example.com"
    assert [m.to for m in mail.outbox] == [["cs@example.com"]]


@pytest.mark.django_db
def test_a_failed_resolve_sends_no_survey():
    ticket = ticket_in("in_progress")
    with pytest.raises(ValidationError):
        run(obj=ticket, name="resolve", user=user_with("service"), data={})
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_public_page_in_the_survey_language_without_login(client):
    survey = survey_for("csat", language="zh-hans")
    token = services.survey_link_token(survey)
    page = client.get(f"/service/survey/{token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'lang="zh-hans"' in body
    assert 'name="viewport"' in body
    assert body.count('name="score"') == 5
    response = client.post(f"/service/survey/{token}/", {"score": "5", "comment": "很好"})
    assert (
        response.status_code == 200 and 'data-testid="survey-thanks"' in response.content.decode()
    )
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "很好") and survey.answered_at


@pytest.mark.django_db
def test_second_use_is_refused(client):
    survey = survey_for("nps")
    token = services.survey_link_token(survey)
    assert client.post(f"/service/survey/{token}/", {"score": "9"}).status_code == 200
    again = client.post(f"/service/survey/{token}/", {"score": "0"})
    assert again.status_code == 410
    assert "already been answered" in again.content.decode()
    assert client.get(f"/service/survey/{token}/").status_code == 410
    survey.refresh_from_db()
    assert survey.score == 9


@pytest.mark.django_db
def test_forged_link_is_refused(client):
    survey = survey_for("nps")
    token = services.survey_link_token(survey)
    value, stamp, signature = token.split(":")
    forged = [
        f"{value}x:{stamp}:{signature}",
        f"{value}:{stamp}:{signature[:-2]}AA",
        "nonsense",
        signing.TimestampSigner(salt="other").sign(survey.token),
        signing.TimestampSigner(salt=services.SALT).sign("not-a-survey"),
    ]
    for bad in forged:
        response = client.post(f"/service/survey/{bad}/", {"score": "9"})
        assert response.status_code == 400, bad
        assert "not valid" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


@pytest.mark.django_db
def test_expired_link_is_refused(client, settings):
    survey = survey_for("nps")
    token = services.survey_link_token(survey)
    settings.LTC = {**settings.LTC, "SURVEY_LINK_MAX_AGE_DAYS": 0}
    import time

    time.sleep(1.1)
    response = client.post(f"/service/survey/{token}/", {"score": "9"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,score",
    [
        ("nps", "11"),
        ("nps", "-1"),
        ("nps", ""),
        ("nps", "abc"),
        ("csat", "0"),
        ("csat", "6"),
        ("csat", "4.5"),
    ],
)
def test_out_of_range_answers_are_refused(client, kind, score):
    survey = survey_for(kind)
    token = services.survey_link_token(survey)
    response = client.post(f"/service/survey/{token}/", {"score": score})
    assert response.status_code == 400
    low, high = survey.score_range
    assert f"Choose a score from {low} to {high}" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None and survey.score is None
    # The link still works for a valid answer.
    assert client.post(f"/service/survey/{token}/", {"score": str(high)}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "score,flagged", [(0, True), (3, True), (6, True), (7, False), (10, False)]
)
def test_detractor_nps_flags_the_account(score, flagged):
    owner = user_with("sales")
    survey = survey_for("nps", account=AccountFactory(owner=owner))
    services.survey_answer(token=services.survey_link_token(survey), score=score)
    flags = AccountFlag.objects.filter(account=survey.account, cleared_at__isnull=True)
    assert flags.exists() is flagged
    if flagged:
        assert flags.get().reason == "detractor" and flags.get().survey == survey


@pytest.mark.django_db
@pytest.mark.parametrize("score,flagged", [(1, True), (2, True), (3, False), (5, False)])
def test_a_csat_of_one_or_two_flags_the_account_like_a_detractor(score, flagged):
    owner = user_with("sales")
    survey = survey_for("csat", account=AccountFactory(owner=owner))
    services.survey_answer(token=services.survey_link_token(survey), score=score, comment="慢")
    flags = AccountFlag.objects.filter(account=survey.account, cleared_at__isnull=True)
    assert flags.exists() is flagged
    if flagged:
        flag = flags.get()
        assert flag.reason == "low_csat" and flag.survey == survey
        assert flag.note == f"CSAT {score}: 慢"
        # the owner is told, as for a detractor
        assert owner.notifications.filter(event="account-flag").count() == 1


@pytest.mark.django_db
def test_surveys_api_is_read_only_and_role_aware():
    from rest_framework.test import APIClient

    owner = user_with("sales")
    mine = survey_for("nps", account=AccountFactory(owner=owner))
    survey_for("nps")
    client = APIClient()
    client.force_authenticate(owner)
    rows = client.get("/api/v1/surveys/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert client.post("/api/v1/surveys/", {"kind": "nps"}).status_code == 405
    client.force_authenticate(user_with("service"))
    assert client.get("/api/v1/surveys/").json()["count"] == 2
    assert "token" not in client.get(f"/api/v1/surveys/{mine.pk}/").json()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_answers_exactly_one_wins():
    survey = survey_for("nps")
    token = services.survey_link_token(survey)
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(score):
        try:
            barrier.wait(timeout=10)
            services.survey_answer(token=token, score=score)
            outcomes.append(("ok", score))
        except services.SurveyLinkError as exc:
            outcomes.append((exc.status, score))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(s,)) for s in (2, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o[0] for o in outcomes if o[0] == "ok") == ["ok"]
    assert [o[0] for o in outcomes if o[0] != "ok"] == [410]
    survey.refresh_from_db()
    winner = next(o[1] for o in outcomes if o[0] == "ok")
    assert survey.score == winner
    # A detractor answer that lost flags nothing: flags follow the stored answer only.
    assert AccountFlag.objects.filter(account=survey.account).exists() is (winner <= 6)
