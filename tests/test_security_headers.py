"""Headers and error pages: a Content-Security-Policy without inline scripts on every page of
the navigation, a friendly 413 for a request over the size limit, debug pages only locally."""

import re

import pytest
from django.test import Client

from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

# a script element with code in it; json_script data (type="application/json") never runs
INLINE_SCRIPT = re.compile(r"""<script(?![^>]*\b(?:src=|type=["']application/json))[^>]*>""", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _nav_links(html: str) -> list[str]:
    nav = html[html.index('class="sidebar-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return sorted(set(re.findall(r'href="(/[^"#]*)"', nav)))


def _check_page(response, path):
    assert response.status_code == 200, (path, response.status_code)
    policy = response.headers.get("Content-Security-Policy", "")
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src, (path, policy)
    assert "'unsafe-inline'" not in script_src.group(1)
    assert "'unsafe-eval'" not in script_src.group(1)
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), (path, INLINE_SCRIPT.findall(html)[:3])
    assert not INLINE_HANDLER.findall(html), (path, INLINE_HANDLER.findall(html)[:3])
    assert not JS_URL.findall(html), path


def test_every_page_of_the_navigation_has_csp_and_no_inline_script(client):
    client.force_login(user_with("manager", "finance", "sales", "operations", "service"))
    home = client.get("/")
    _check_page(home, "/")
    links = _nav_links(home.content.decode())
    assert len(links) >= 8, links
    for path in links:
        _check_page(client.get(path), path)


@pytest.mark.parametrize("path", ["/login/", "/api/docs/", "/api/redoc/"])
def test_public_and_api_doc_pages_have_no_inline_script(client, path):
    if path.startswith("/api/"):
        client.force_login(user_with("manager"))
    _check_page(client.get(path), path)


def test_a_body_over_the_limit_gets_a_friendly_413(client, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    client.force_login(user_with("marketing"))
    body = b"x" * (settings.MAX_REQUEST_BYTES + 1)
    response = client.generic("POST", "/leads/import/", body, content_type="text/csv")
    assert response.status_code == 413
    html = response.content.decode()
    assert "This upload is too large" in html and "1.0\xa0MB" in html
    assert "Traceback" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    api = client.generic("POST", "/api/v1/leads/", body, content_type="application/json")
    assert api.status_code == 413 and "too large" in api.json()["detail"]


def test_a_form_body_django_refuses_is_a_413_not_a_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(user_with("marketing"))
    response = client.post("/leads/new/", {"name": "x" * 5000})
    assert response.status_code == 413
    assert "This upload is too large" in response.content.decode()


def test_debug_pages_only_for_the_local_machine(settings):
    settings.DEBUG = True
    local = Client(REMOTE_ADDR="127.0.0.1").get("/no-such-page/")
    assert local.status_code == 404 and "URLconf" in local.content.decode()
    remote = Client(REMOTE_ADDR="203.0.113.9").get("/no-such-page/")
    assert remote.status_code == 404
    assert "URLconf" not in remote.content.decode()
    assert "Traceback" not in remote.content.decode()
