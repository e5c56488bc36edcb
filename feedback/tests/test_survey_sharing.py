"""Surveys reach customers: the link and a QR code on the ticket, the order and the survey
list, with copy and resend (through the send path, role-checked); links built from SITE_URL,
or from the address the server answers on when it is not set."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from feedback import services
from feedback.sharing import qr_svg
from feedback.tests.factories import survey_for, ticket_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner():
    return user_with("sales")


@pytest.fixture
def ticket_survey(owner, django_capture_on_commit_callbacks):
    account = AccountFactory(owner=owner)
    ticket = ticket_in("resolved", account=account)
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_for("csat", account=account, ticket=ticket, language="zh-hans")
    mail.outbox.clear()
    return survey


def test_the_ticket_page_shows_link_qr_copy_and_resend(ticket_survey, settings):
    settings.LTC = {**settings.LTC, "SITE_URL": "https://crm.example.cn/ltc/"}
    page = client_for(user_with("service")).get(ticket_survey.ticket.get_absolute_url())
    html = page.content.decode()
    assert 'data-testid="survey-link"' in html and "<svg" in html
    assert 'value="https://crm.example.cn/ltc/service/survey/' in html
    assert 'data-testid="survey-copy"' in html and 'data-testid="survey-resend"' in html


def test_without_site_url_the_link_uses_the_address_served(ticket_survey, settings):
    settings.LTC = {**settings.LTC, "SITE_URL": ""}
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    client = client_for(user_with("service"))
    html = client.get(reverse("feedback:survey-list"), HTTP_HOST="127.0.0.1:8106").content
    assert b'value="http://127.0.0.1:8106/service/survey/' in html


def test_the_link_answers_the_survey(ticket_survey, client):
    share = services.survey_public_link(ticket_survey, user=user_with("manager"))
    assert client.post(share, {"score": "5"}).status_code == 200
    ticket_survey.refresh_from_db()
    assert ticket_survey.score == 5


def test_qr_code_encodes_the_link():
    svg = str(qr_svg("https://crm.example.cn/service/survey/x/"))
    assert svg.startswith("<svg") and "<path" in svg and "<title>" in svg
    # a different link, a different code
    assert svg != str(qr_svg("https://crm.example.cn/service/survey/y/"))


@pytest.mark.parametrize("role", ["operations", "finance", "marketing"])
def test_others_see_no_link(ticket_survey, role):
    user = user_with(role)
    page = client_for(user).get(reverse("feedback:survey-list")).content.decode()
    assert 'data-testid="survey-link"' not in page


def test_a_sales_rep_sees_the_link_of_their_own_accounts_only(ticket_survey, owner):
    page = client_for(owner).get(reverse("feedback:survey-list")).content.decode()
    assert 'data-testid="survey-link"' in page
    other = survey_for("nps", account=AccountFactory(owner=user_with("sales")))
    share = services.survey_public_link(other, user=owner)
    assert share is None


def test_the_order_page_shows_the_survey_link(owner):
    from orders.tests.factories import order_in

    order = order_in("delivered", owner=owner)
    survey = survey_for("nps", account=order.account, order=order)
    page = client_for(user_with("service")).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="order-survey"' in page
    assert f'data-testid="survey-share-{survey.pk}"' in page and "<svg" in page


def test_resend_goes_through_the_send_path(ticket_survey, django_capture_on_commit_callbacks):
    client = client_for(user_with("service"))
    url = reverse("feedback:survey-resend", args=[ticket_survey.pk])
    back = ticket_survey.ticket.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ticket_survey.email]
    assert "/service/survey/" in message.body
    assert message.subject == "我们对您请求的处理如何？"  # in the contact's language


@pytest.mark.parametrize("role", ["operations", "finance"])
def test_resend_is_refused_to_other_roles(ticket_survey, role):
    url = reverse("feedback:survey-resend", args=[ticket_survey.pk])
    response = client_for(user_with(role)).post(url)
    assert response.status_code in (403, 404)
    api = APIClient()
    api.force_authenticate(user_with(role))
    assert api.post(f"/api/v1/surveys/{ticket_survey.pk}/resend/").status_code in (403, 404)
    assert mail.outbox == []


def test_a_teammate_who_is_not_the_owner_cannot_resend(ticket_survey, owner):
    from roles.tests.factories import TeamFactory

    lead = user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(owner, lead)
    api = APIClient()
    api.force_authenticate(lead)
    response = api.post(f"/api/v1/surveys/{ticket_survey.pk}/resend/")
    assert response.status_code == 403
    assert mail.outbox == []


def test_api_resend_for_the_owner(ticket_survey, owner, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/surveys/{ticket_survey.pk}/resend/")
    assert response.status_code == 200 and response.json()["public_link"]
    assert len(mail.outbox) == 1


def test_an_answered_survey_is_not_resent(ticket_survey):
    services.survey_answer(token=services.survey_link_token(ticket_survey), score=4)
    api = APIClient()
    api.force_authenticate(user_with("service"))
    response = api.post(f"/api/v1/surveys/{ticket_survey.pk}/resend/")
    assert response.status_code == 400
    assert mail.outbox == []


def test_no_email_to_send_to_is_a_400_and_nothing_changes():
    survey = survey_for("nps", email="")
    survey.contact.email = ""
    survey.contact.save()
    api = APIClient()
    api.force_authenticate(user_with("service"))
    response = api.post(f"/api/v1/surveys/{survey.pk}/resend/")
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.sent_at is None and mail.outbox == []


def test_resend_redirects_only_inside_the_site(ticket_survey):
    url = reverse("feedback:survey-resend", args=[ticket_survey.pk])
    response = client_for(user_with("service")).post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("feedback:survey-list")


@pytest.mark.parametrize("size", [3, 12])
def test_survey_list_queries_stay_fixed(size, django_assert_max_num_queries, settings):
    settings.LTC = {**settings.LTC, "SITE_URL": "http://127.0.0.1:8106"}
    owner = user_with("sales")
    for _ in range(size):
        survey_for("nps", account=AccountFactory(owner=owner))
    client = client_for(user_with("service"))
    client.get(reverse("feedback:survey-list"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("feedback:survey-list")).content.decode()
    assert page.count('data-testid="survey-link"') == size


def test_serve_script_points_links_at_the_address_it_serves(tmp_path):
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    fake.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "REDIS_URL": "redis://unused", "PY": str(fake)}
    run = subprocess.run(
        ["sh", "scripts/serve.sh", "127.0.0.1:8106"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "SITE_URL=http://127.0.0.1:8106" in run.stdout
    run = subprocess.run(
        ["sh", "scripts/serve.sh", "8107"],
        cwd=ROOT,
        env={**env, "SITE_URL": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "SITE_URL=http://127.0.0.1:8107" in run.stdout
    run = subprocess.run(
        ["sh", "scripts/serve.sh", "0.0.0.0:8000"],
        cwd=ROOT,
        env={**env, "SITE_URL": "https://crm.example.cn"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "SITE_URL=https://crm.example.cn" in run.stdout
