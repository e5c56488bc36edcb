"""The outbound URL guard: only globally routable addresses, resolved once and connected to
as checked, no redirects, a capped answer, a short error text."""

import ipaddress
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from notifications import outbound, outbox
from notifications.models import Delivery, WebhookEndpoint
from notifications.outbound import DeliveryError, check_url, post
from notifications.tests.test_outbound import Receiver

REFUSED = [
    "http://100.100.100.200/",  # cloud metadata (Alibaba Cloud)
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://[2002:7f00:1::1]/",  # 6to4 of 127.0.0.1
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://[::ffff:a9fe:a9fe]/",  # IPv4-mapped 169.254.169.254
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[64:ff9b:1::a00:1]/",  # local-use NAT64
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "http://[fd00::1]/",  # unique local
    "http://[fe80::1]/",  # link-local
    "http://0.0.0.0/",
    "http://127.0.0.1:8000/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.0.1/",
    "http://169.254.169.254/",
    "http://198.18.0.1/",  # benchmarking
    "http://192.0.2.1/",  # documentation
    "http://240.0.0.1/",  # reserved
    "http://224.0.0.1/",  # multicast
    "http://239.1.1.1/",  # multicast
    "http://255.255.255.255/",
    "http://[::1]/",
    "http://localhost/",
    "http://2130706433/",  # 127.0.0.1 as a number
    "http://0x7f.1/",  # 127.0.0.1 in hex shorthand
]


@pytest.mark.parametrize("url", REFUSED)
def test_non_global_addresses_are_refused(url, settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": False}
    with pytest.raises(ValidationError) as exc:
        check_url(url)
    assert "url" in exc.value.message_dict
    with pytest.raises(ValidationError):
        post(url, {}, b"{}")


@pytest.mark.parametrize("url", REFUSED[:3])
@pytest.mark.django_db
def test_reproducers_are_refused_as_webhook_and_bot_urls(url, settings, client):
    from roles.tests.factories import user_with

    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": False}
    endpoint = WebhookEndpoint(name="x", url=url, secret="s")
    with pytest.raises(ValidationError):
        endpoint.full_clean()
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user_with("manager"))
    response = api.post(
        "/api/v1/webhooks/", {"name": "x", "url": url, "secret": "s"}, format="json"
    )
    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def _fake_dns(*answers):
    """getaddrinfo answering each call with the next address (the last one repeats)."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        try:  # a numeric address (as create_connection passes) is its own answer
            ip = str(ipaddress.ip_address(host))
        except ValueError:
            ip = answers[min(len(calls), len(answers) - 1)]
            calls.append(host)
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    return getaddrinfo, calls


def test_a_name_resolving_to_any_private_address_is_refused(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": False}

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    with mock.patch("socket.getaddrinfo", getaddrinfo), pytest.raises(ValidationError):
        check_url("http://hooks.example.com/x")


def test_public_names_pass(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": False}
    getaddrinfo, _calls = _fake_dns("93.184.216.34")
    with mock.patch("socket.getaddrinfo", getaddrinfo):
        check_url("https://hooks.example.com/x")
    getaddrinfo, _calls = _fake_dns("2606:4700::1111")
    with mock.patch("socket.getaddrinfo", getaddrinfo):
        check_url("https://hooks.example.com/x")


def test_dns_rebinding_connects_to_the_checked_address(settings):
    """The name is resolved once; a second, different answer is never used."""
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    with Receiver() as receiver:
        port = receiver.server.server_port
        # first answer: the receiver; any later one: an address nobody listens on
        getaddrinfo, calls = _fake_dns("127.0.0.1", "127.0.0.2")
        with mock.patch("socket.getaddrinfo", getaddrinfo):
            assert post(f"http://hooks.example.test:{port}/in?a=1", {}, b"{}") == 200
    assert calls == ["hooks.example.test"]
    (request,) = receiver.requests
    assert request["headers"]["host"] == f"hooks.example.test:{port}"
    assert request["path"] == "/in?a=1"


def test_rebinding_to_a_private_address_after_the_check_is_refused_at_send(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": False}
    getaddrinfo, _calls = _fake_dns("93.184.216.34")
    with mock.patch("socket.getaddrinfo", getaddrinfo):
        check_url("http://hooks.example.com/")  # accepted when saved
    getaddrinfo, _calls = _fake_dns("169.254.169.254")
    connect = mock.Mock(side_effect=AssertionError("must not connect"))
    with (
        mock.patch("socket.getaddrinfo", getaddrinfo),
        mock.patch("socket.create_connection", connect),
        pytest.raises(ValidationError),
    ):
        post("http://hooks.example.com/", {}, b"{}")
    connect.assert_not_called()


class _Redirector:
    def __init__(self, location):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.send_response(307)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_redirects_are_never_followed(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    with Receiver() as target:
        redirector = _Redirector(target.url)
        try:
            with pytest.raises(DeliveryError, match="307"):
                post(redirector.url, {}, b"{}")
        finally:
            redirector.close()
    assert target.requests == []


def test_the_answer_read_is_capped(settings):
    """An answer whose error code lies past the cap is never read (so never parsed)."""
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    huge = b'{"pad": "' + b"x" * (outbound.MAX_RESPONSE_BYTES + 10) + b'", "errcode": 1}'
    with Receiver(body=huge) as receiver:
        assert post(receiver.url, {}, b"{}") == 200
    small = b'{"pad": "x", "errcode": 1}'
    with Receiver(body=small) as receiver, pytest.raises(DeliveryError):
        post(receiver.url, {}, b"{}")


@pytest.mark.django_db
def test_provider_error_text_is_stored_truncated(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    body = b'{"errcode": 40035, "errmsg": "' + b"e" * 20000 + b'"}'
    with Receiver(body=body) as receiver:
        endpoint = WebhookEndpoint.objects.create(name="x", url=receiver.url, secret="s")
        row = outbox.queue_webhook(endpoint=endpoint, payload={"event": "x"})
        assert outbox.send(row.pk) == Delivery.Status.PENDING
    row.refresh_from_db()
    assert "40035" in row.last_error
    assert len(row.last_error) <= outbound.PROVIDER_TEXT_LIMIT
