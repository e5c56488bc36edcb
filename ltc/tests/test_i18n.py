"""The UI in Simplified Chinese: the language switcher, Accept-Language, and complete,
compiled zh-hans translations."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from leads.models import LeadStatus
from leads.tests.factories import lead_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _restore_language():
    """A request in Chinese leaves Chinese active in this thread (LocaleMiddleware does not
    reset it); put the default back so later tests in the same worker are not affected."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _nav_labels(html: str) -> list[str]:
    nav = html.split('class="sidebar-nav"', 1)[1].split("</nav>", 1)[0]
    return [s.strip() for s in re.findall(r"<span>([^<]+)</span>", nav)]


@pytest.fixture
def marketing(client):
    user = user_with("marketing")
    client.force_login(user)
    return user


def test_language_cookie_shows_chinese_navigation(client, marketing):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse("leads:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    labels = _nav_labels(html)
    assert "线索" in labels and "工作台" in labels and "客户" in labels
    assert "Leads" not in labels
    assert "新建线索" in html  # the "New lead" button


def test_accept_language_zh_cn_falls_back_to_simplified_chinese(client, marketing):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "未分配的新线索" in html  # marketing's work-queue section, translated


def test_english_is_the_default(client, marketing):
    html = client.get(reverse("leads:list")).content.decode()
    assert '<html lang="en">' in html
    assert "Leads" in _nav_labels(html)


def test_language_switcher_posts_and_sticks(client, marketing):
    page = client.get(reverse("home")).content.decode()
    # The switcher is a POST form to set_language offering both languages.
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="language" value="zh-hans"' in page and 'name="language" value="en"' in page

    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("leads:list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:list")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "线索" in _nav_labels(client.get(reverse("leads:list")).content.decode())

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Leads" in _nav_labels(client.get(reverse("leads:list")).content.decode())


def test_login_page_is_translated_for_anonymous_visitors(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("login")).content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html


def test_states_and_transitions_follow_the_language_of_each_request(client):
    """Transition labels are lazy: the first request's language must not stick."""
    sales = user_with("sales")
    lead = lead_in(LeadStatus.NEW, owner=sales)
    client.force_login(sales)
    url = reverse("leads:detail", args=[lead.pk])

    english = client.get(url).content.decode()
    assert "Start work" in english
    assert '<span class="dot"></span>New</span>' in english  # the state badge

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(url).content.decode()
    assert "开始跟进" in chinese  # start_work
    assert "取消资格" in chinese  # disqualify
    assert '<span class="dot"></span>新建</span>' in chinese
    assert "Start work" not in chinese


def _po_entries(text: str):
    """(msgid, [msgstr...], fuzzy) for each entry of a .po file, header skipped."""
    entries = []
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines)
        current, parts = None, {}
        for ln in lines:
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', ln)
            if m:
                current = m.group(1)
                parts[current] = m.group(2)
            elif ln.startswith('"') and current:
                parts[current] += ln[1:-1]
        if "msgid" not in parts or parts["msgid"] == "":
            continue
        strs = [v for k, v in parts.items() if k.startswith("msgstr")]
        # an entry with a context is keyed "context\x04msgid", as gettext stores it
        msgid = f"{parts['msgctxt']}\x04{parts['msgid']}" if "msgctxt" in parts else parts["msgid"]
        entries.append((msgid, strs, fuzzy))
    return entries


def test_every_message_has_a_chinese_translation():
    entries = _po_entries(PO_FILE.read_text(encoding="utf-8"))
    assert len(entries) > 300
    untranslated = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert untranslated == [], f"untranslated zh_Hans messages: {untranslated[:20]}"


def test_compiled_catalog_is_shipped_and_current():
    assert PO_FILE.with_suffix(".mo").exists(), "run manage.py compilemessages"
    with translation.override("zh-hans"):
        assert translation.gettext("Leads") == "线索"
        assert translation.gettext("Work queue") == "工作台"
        assert translation.gettext("Qualify") == "资格确认"
        # The header (plural forms) is compiled too: Chinese has one plural form.
        many = translation.ngettext(
            "%(counter)s unread notification", "%(counter)s unread notifications", 3
        )
        assert many % {"counter": 3} == "3 条未读通知"
        # The newest entries of the .po must be in the .mo as well.
        for msgid, strs, _fuzzy in _po_entries(PO_FILE.read_text(encoding="utf-8"))[-15:]:
            if len(strs) == 1 and "%" not in msgid:
                assert translation.gettext(msgid) == strs[0].replace('\\"', '"'), msgid
