"""Notifications in the reader's language: the event's message and parameters are kept and
written at display time (bell, work queue, API) and at sending time (email, bot) in the
recipient's language, with amounts as money; rows written before keep their text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop
from rest_framework.test import APIClient

from notifications.messages import Message, Money, format_money
from notifications.models import Notification, UserLanguage
from notifications.services import notify, recipient_language
from roles.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db


def reader(language=None, **kwargs):
    user = user_with("sales", **kwargs)
    if language:
        UserLanguage.objects.create(user=user, language=language)
    return user


def review_message():
    return {
        "title": Message(gettext_noop("Contract %(contract)s needs your review"), contract="C-7"),
        "body": Message(
            gettext_noop("Total %(total)s, account %(account)s."),
            total=Money(Decimal("13950.5"), "CNY"),
            account="上海明辉",
        ),
    }


def test_two_recipients_of_one_event_each_read_their_language(
    django_capture_on_commit_callbacks,
):
    english = reader("en", email="en@example.com")
    chinese = reader("zh-hans", email="zh@example.com")
    # whoever caused it reads Chinese; the emails leave after commit
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        for user in (english, chinese):
            notify(
                recipient=user, key="contract-review:7:1:x", url="/contracts/7/", **review_message()
            )
    en_note = Notification.objects.get(recipient=english)
    zh_note = Notification.objects.get(recipient=chinese)
    # stored in each recipient's language
    assert en_note.title == "Contract C-7 needs your review"
    assert zh_note.title == "合同 C-7 待您审核"
    assert en_note.body == "Total ¥13,950.50, account 上海明辉."
    assert zh_note.body == "总额 ¥13,950.50，客户 上海明辉。"
    # the emails likewise
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {"en@example.com": en_note.title, "zh@example.com": zh_note.title}
    # and written anew in whatever language the page is read in
    with translation.override("zh-hans"):
        assert en_note.display_title == "合同 C-7 待您审核"
    with translation.override("en"):
        assert zh_note.display_body == "Total ¥13,950.50, account 上海明辉."


def test_the_bell_page_and_work_queue_in_the_readers_language():
    english, chinese = reader("en"), reader("zh-hans")
    for user in (english, chinese):
        notify(recipient=user, key="contract-review:8:1:x", **review_message())
    for user, text, other in (
        (english, "needs your review", "待您审核"),
        (chinese, "待您审核", "needs your review"),
    ):
        client = Client()
        # the saved language comes with the login
        client.post(reverse("login"), {"username": user.username, "password": "pw"})
        for url in (reverse("notifications"), reverse("home")):
            page = client.get(url).content.decode()
            assert text in page and other not in page, url


def test_a_translated_label_parameter_follows_the_reader():
    user = reader("zh-hans")
    from opportunities.models import Opportunity

    label = Opportunity._meta.get_field("solution_owner").verbose_name
    notify(
        recipient=user,
        key="opportunity-team:1:solution_owner",
        title=Message(
            gettext_noop("You are the %(role)s of %(opportunity)s"), role=label, opportunity="MES"
        ),
    )
    note = Notification.objects.get(recipient=user)
    assert note.title == "您是 MES 的方案负责人"
    with translation.override("en"):
        assert note.display_title == "You are the solution owner of MES"


def test_a_user_without_a_choice_reads_the_site_language(settings):
    user = reader()
    assert recipient_language(user) == settings.LANGUAGE_CODE == "en"
    settings.LANGUAGE_CODE = "zh-hans"
    assert recipient_language(user) == "zh-hans"


def test_rows_written_before_keep_their_text():
    user = reader("en")
    note = Notification.objects.create(
        recipient=user, key="old:1", title="风险客户：明辉", body="旧"
    )
    assert note.message == {}
    with translation.override("en"):
        assert note.display_title == "风险客户：明辉" and note.display_body == "旧"
    page = Client()
    page.force_login(user)
    assert "风险客户：明辉" in page.get(reverse("notifications")).content.decode()


def test_plain_text_is_kept_as_given():
    user = reader("zh-hans")
    notify(recipient=user, key="plain:1", title="Hello", body="World")
    note = Notification.objects.get()
    assert note.message == {} and note.display_title == "Hello"


def test_the_api_answers_in_the_callers_language():
    user = reader()
    notify(recipient=user, key="contract-review:9:1:x", **review_message())
    api = APIClient()
    api.force_authenticate(user)
    rows = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert rows[0]["title"] == "合同 C-7 待您审核"
    rows = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert rows[0]["title"] == "Contract C-7 needs your review"


def test_the_switcher_keeps_the_choice_for_the_next_login():
    user = reader(username="lin")
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert UserLanguage.objects.get(user=user).language == "zh-hans"
    fresh = Client()  # another browser: no language cookie
    fresh.post(reverse("login"), {"username": "lin", "password": "pw"})
    assert 'lang="zh-hans"' in fresh.get(reverse("home")).content.decode()


def test_the_settings_page_offers_the_language():
    user = reader("zh-hans")
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": "pw"})
    page = client.get(reverse("notification-settings")).content.decode()
    assert 'data-testid="language-preference"' in page
    assert '<option value="zh-hans" lang="zh-hans" selected>' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert UserLanguage.objects.get(user=user).language == "en"


def test_an_unknown_language_changes_nothing():
    user = reader("en")
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert UserLanguage.objects.get(user=user).language == "en"


def test_anonymous_switch_still_works():
    response = Client().post(reverse("set_language"), {"language": "zh-hans", "next": "/login/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "zh-hans"
    assert not UserLanguage.objects.exists()


def test_bot_messages_in_the_recipients_language(settings):
    from notifications.models import BotWebhook, Delivery
    from roles.tests.factories import TeamFactory

    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    user = reader("zh-hans")
    team = TeamFactory()
    team.members.add(user)
    BotWebhook.objects.create(
        team=team, provider="wecom", name="bot", url="https://qyapi.example/x"
    )
    notify(recipient=user, key="contract-review:10:1:x", **review_message())
    payload = Delivery.objects.get(kind="bot").payload
    assert "待您审核" in str(payload) and "¥13,950.50" in str(payload)


def test_money_format():
    assert format_money(Decimal("1234.5"), "CNY") == "¥1,234.50"
    assert format_money(Decimal("-3"), "USD") == "-$3.00"
    assert format_money("12", "SGD") == "SGD 12.00"


def test_a_lazy_label_and_a_number_are_kept_as_json():
    kept = Message(gettext_noop("%(count)d imported leads assigned to you"), count=3).as_json()
    assert kept == {"text": "%(count)d imported leads assigned to you", "params": {"count": 3}}
    label = Message("%(x)s", x=gettext_lazy("solution owner")).as_json()
    assert label["params"]["x"] == {"t": "solution owner"}


def test_a_real_event_flagging_an_account_reaches_the_owner_in_their_language():
    from customers.tests.factories import AccountFactory
    from feedback import services
    from feedback.tests.factories import survey_for

    owner = reader("zh-hans")
    survey = survey_for("nps", account=AccountFactory(owner=owner, name="明辉"))
    with translation.override("en"):
        services.survey_answer(token=services.survey_link_token(survey), score=2, comment="slow")
    note = Notification.objects.get(recipient=owner, event="account-flag")
    assert note.title == "风险客户：明辉"
    with translation.override("en"):
        assert note.display_title == "Customer at risk: 明辉"


def test_superuser_reader_defaults():
    admin = UserFactory(is_superuser=True)
    assert recipient_language(admin) == "en"


def _token_client(user):
    from roles.tokens import token_issue

    _token, key = token_issue(user=user, name="reader language")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.mark.parametrize("stored", [None, "en", "zh-hans"])
def test_the_token_api_answers_in_the_language_asked_for(stored):
    user = reader(stored)
    notify(recipient=user, key="contract-review:10:1:x", **review_message())
    api = _token_client(user)
    zh = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200 and zh["Content-Language"] == "zh-hans"
    assert zh.json()["results"][0]["title"] == "合同 C-7 待您审核"
    assert zh.json()["results"][0]["body"] == "总额 ¥13,950.50，客户 上海明辉。"
    en = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 200 and en["Content-Language"] == "en"
    assert en.json()["results"][0]["title"] == "Contract C-7 needs your review"
    assert en.json()["results"][0]["body"] == "Total ¥13,950.50, account 上海明辉."


@pytest.mark.parametrize(
    ("stored", "title"),
    [
        ("zh-hans", "合同 C-7 待您审核"),
        ("en", "Contract C-7 needs your review"),
        (None, "Contract C-7 needs your review"),  # the site's language
    ],
)
def test_without_accept_language_the_token_api_answers_in_the_stored_language(stored, title):
    user = reader(stored)
    notify(recipient=user, key="contract-review:11:1:x", **review_message())
    response = _token_client(user).get("/api/v1/notifications/")
    assert response.json()["results"][0]["title"] == title
    assert response["Content-Language"] == (stored or "en")


def test_an_unknown_accept_language_falls_back_to_the_stored_language():
    user = reader("zh-hans")
    notify(recipient=user, key="contract-review:12:1:x", **review_message())
    response = _token_client(user).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert response.json()["results"][0]["title"] == "合同 C-7 待您审核"


def test_the_stored_language_costs_the_token_api_no_query(django_assert_max_num_queries):
    user = reader("zh-hans")
    api = _token_client(user)
    api.get("/api/v1/notifications/unread-count/")  # warm-up
    # the token (with its user and saved language), then the count
    with django_assert_max_num_queries(2):
        unread = api.get("/api/v1/notifications/unread-count/", HTTP_ACCEPT_LANGUAGE="")
    assert unread.status_code == 200 and unread["Content-Language"] == "zh-hans"
