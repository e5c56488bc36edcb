"""Outgoing HTTP: team group bots (WeCom, DingTalk, Feishu) and integrators' webhooks.

Each provider gets its own message format and, where the provider signs, its signature.
Delivery runs in Celery with retries and backoff; a bot that is down never blocks the
transition that caused the message (we only enqueue on commit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5


class DeliveryError(Exception):
    """A delivery attempt failed and may be retried."""


def check_url(url: str) -> None:
    """Refuse what is not http(s), and private, loopback, link-local or reserved addresses
    unless LTC["WEBHOOK_ALLOW_PRIVATE"] (tests and on-premise set-ups) says otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Use an http:// or https:// URL.")})
    if settings.LTC.get("WEBHOOK_ALLOW_PRIVATE"):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ValidationError({"url": _("The host name does not resolve.")}) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            raise ValidationError(
                {"url": _("The URL points at a private or local address, which is not allowed.")}
            )


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
    }
    return endpoint.url, headers, body


def post(url: str, headers: dict, body: bytes) -> int:
    """POST once; DeliveryError for a network failure, a non-2xx answer or a provider's
    error code in a 200 answer (DingTalk and Feishu answer 200 with errcode/code)."""
    check_url(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(str(exc)) from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    code = answer.get("errcode", answer.get("code", 0)) if isinstance(answer, dict) else 0
    if code not in (0, None):
        raise DeliveryError(f"provider error {code}: {answer.get('errmsg') or answer.get('msg')}")
    return status
