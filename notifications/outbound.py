"""Outgoing HTTP: team group bots (WeCom, DingTalk, Feishu) and integrators' webhooks.

Each provider gets its own message format and, where the provider signs, its signature.
Messages leave through the outbox (outbox.py); a bot that is down never blocks the transition
that caused the message. The guard: only globally routable addresses, resolved once and
connected to as checked, no redirects, a capped answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.parse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 64 * 1024  # an answer is a short JSON status; never read more than this
PROVIDER_TEXT_LIMIT = 200  # of a provider's error message, kept in the delivery's last error
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class DeliveryError(Exception):
    """A delivery attempt failed and may be retried."""


def _refused() -> ValidationError:
    return ValidationError(
        {"url": _("The URL points at a private or local address, which is not allowed.")}
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address tunnels to (mapped, 6to4, Teredo, NAT64)."""
    found = [address.ipv4_mapped, address.sixtofour]
    if address.teredo:
        found.extend(address.teredo)
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in found if a is not None]


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Only globally routable unicast addresses, and none that tunnels to a local one."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64_LOCAL:
            return False
        return all(address_allowed(inner) for inner in _embedded_ipv4(address))
    return True


def resolve_url(url: str) -> tuple[urllib.parse.SplitResult, str]:
    """Check `url` and resolve its host once: (the URL's parts, the IP to connect to).

    Only http(s), and only globally routable addresses (`is_global`, no multicast, nothing that
    tunnels to a local IPv4) unless LTC["WEBHOOK_ALLOW_PRIVATE"] (tests and on-premise set-ups)
    says otherwise. Every address the name resolves to must pass; the sender then connects to
    the exact address checked here, so a second DNS answer cannot send it elsewhere."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Use an http:// or https:// URL.")})
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError({"url": _("The port is not valid.")}) from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError({"url": _("The host name does not resolve.")}) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise ValidationError({"url": _("The host name does not resolve.")})
    if not settings.LTC.get("WEBHOOK_ALLOW_PRIVATE") and not all(
        address_allowed(a) for a in addresses
    ):
        raise _refused()
    return parts, str(addresses[0])


def check_url(url: str) -> None:
    """Refuse what is not http(s) or points at a non-global address (see resolve_url)."""
    resolve_url(url)


def bot_message(provider: str, *, title: str, body: str, url: str) -> dict:
    text = "\n\n".join(part for part in (body, url) if part)
    if provider == "wecom":
        content = f"**{title}**\n{text}" if text else f"**{title}**"
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if provider == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}
    if provider == "feishu":
        return {"msg_type": "text", "content": {"text": f"{title}\n{text}".strip()}}
    raise ValueError(provider)


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk: sign = base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")),
    sent as query parameters timestamp and sign."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu: sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def endpoint_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def prepare_bot_request(bot, payload: dict) -> tuple[str, dict, bytes]:
    url, payload = bot.url, dict(payload)
    if bot.secret and bot.provider == "dingtalk":
        url = dingtalk_signed_url(url, bot.secret)
    elif bot.secret and bot.provider == "feishu":
        timestamp = int(time.time())
        payload.update(timestamp=str(timestamp), sign=feishu_sign(bot.secret, timestamp))
    body = json.dumps(payload, ensure_ascii=False).encode()
    return url, {"Content-Type": "application/json; charset=utf-8"}, body


def prepare_endpoint_request(endpoint, payload: dict) -> tuple[str, dict, bytes]:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-LTC-Signature": endpoint_signature(endpoint.secret, body),
        "X-LTC-Event": payload.get("event", ""),
        "X-LTC-Event-Id": str(payload.get("id", "")),
    }
    return endpoint.url, headers, body


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked IP; the Host header still names the URL's host."""

    def __init__(self, host: str, port: int | None, *, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.pinned_ip = ip

    def connect(self):
        self.sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked IP; TLS sends SNI for, and verifies the certificate against,
    the URL's host name."""

    def __init__(self, host: str, port: int | None, *, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self.pinned_ip = ip

    def connect(self):
        sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def post(url: str, headers: dict, body: bytes) -> int:
    """POST once to the checked address; DeliveryError for a network failure, a non-2xx answer
    (redirects are not followed) or a provider's error code in a 200 answer (DingTalk and
    Feishu answer 200 with errcode/code). At most MAX_RESPONSE_BYTES of the answer are read."""
    parts, ip = resolve_url(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connection_class(parts.hostname, parts.port, ip=ip, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        raw = response.read(MAX_RESPONSE_BYTES)
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(_short(str(exc) or type(exc).__name__)) from exc
    finally:
        connection.close()
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status} (redirects are not followed)")
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    code = answer.get("errcode", answer.get("code", 0)) if isinstance(answer, dict) else 0
    if code not in (0, None):
        message = str(answer.get("errmsg") or answer.get("msg") or "")
        raise DeliveryError(_short(f"provider error {code}: {message}"))
    return status


def _short(text: str) -> str:
    return text if len(text) <= PROVIDER_TEXT_LIMIT else text[: PROVIDER_TEXT_LIMIT - 1] + "…"
