"""Writes of notifications: notify people (in-app, email, group bots), preferences,
integrator webhooks and the delivery of each outgoing message."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roles.policies import require

from . import outbox
from .messages import Message, as_kept, as_text
from .models import (
    BotWebhook,
    Delivery,
    Notification,
    NotificationPreference,
    UserLanguage,
    WebhookEndpoint,
)
from .outbound import bot_message

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from roles.models import Team

log = logging.getLogger(__name__)


def event_of(key: str) -> str:
    """A notification's event is the prefix of its key (`follow-up:lead:7:...`)."""
    return key.split(":", 1)[0]


def fit(text, max_length: int | None) -> str:
    """`text` cut to `max_length` characters, with an ellipsis when something was cut."""
    text = str(text)
    if max_length is None or len(text) <= max_length:
        return text
    return text[: max_length - 1] + "…"


def recipient_language(user) -> str:
    """The language `user` reads notifications in: their preference, else the site's."""
    chosen = UserLanguage.objects.filter(user_id=user.pk).values_list("language", flat=True)
    return chosen.first() or settings.LANGUAGE_CODE


def user_language_set(*, user, language: str) -> UserLanguage | None:
    """Keep the language a signed-in user chose (the switcher, the settings page)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if language not in {code for code, _label in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose English or Simplified Chinese.")})
    choice, _created = UserLanguage.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return choice


def notify(
    *,
    recipient,
    key: str,
    title: str | Message,
    body: str | Message = "",
    url: str = "",
) -> Notification | None:
    """Notify `recipient` at most once per key: in the app, by email and in the group bots of
    the recipient's teams, as the user's preferences and the bots' subscriptions say.

    `title` and `body` are best given as `Message`s (message id + parameters): the notice
    keeps them and is written in its reader's language wherever it is shown; email and bot
    messages are written in the recipient's language. Plain text is kept as it is.

    Returns the new notification, or None if this key was already notified. Email and bot
    messages are written to the outbox in the caller's transaction and leave after commit,
    so a failing mail server, bot or broker never undoes the cause.
    """
    event = event_of(key)
    kept = {
        part: as_kept(value) for part, value in (("title", title), ("body", body)) if as_kept(value)
    }
    with translation.override(recipient_language(recipient)):
        # Titles quote user input (a record's name); they are cut here, once, for every caller.
        title_text = fit(as_text(title), Notification._meta.get_field("title").max_length)
        body_text = as_text(body)
    with transaction.atomic():  # the notice and its outgoing messages commit together
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=recipient,
                    key=key,
                    event=event,
                    title=title_text,
                    body=body_text,
                    message=kept,
                    url=url,
                )
        except IntegrityError:
            return None
        pref = NotificationPreference.objects.filter(user=recipient, event=event).first()
        link = absolute_url(url)
        if recipient.email and (pref is None or pref.email):
            outbox.queue_email(
                to=[recipient.email],
                subject=title_text,
                body=f"{body_text}\n\n{link}".strip(),
            )
        for bot in BotWebhook.objects.filter(team__members=recipient, active=True).distinct():
            if bot.wants(event):
                message = bot_message(bot.provider, title=title_text, body=body_text, url=link)
                outbox.queue_bot(bot=bot, payload=message)
    return note


# Where links point when SITE_URL is not set and no request tells the server's address.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url(request=None) -> str:
    """The site's base address: SITE_URL when set (a proxy's public address, a path prefix
    included); else the address this request reached (host and port); else the default."""
    configured = str(settings.LTC.get("SITE_URL") or "").rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEFAULT_SITE_URL


def absolute_url(path: str, request=None) -> str:
    """`path` (from reverse() or get_absolute_url()) as an absolute link to this site."""
    if not path.startswith("/"):
        return path
    return f"{site_url(request)}{path}"


def notify_after_commit(*, recipients, **kwargs) -> None:
    """Notify each recipient once the current transaction commits.

    Each recipient is its own robust callback: a failure is logged, never turns the committed
    request into an error, and never keeps the other recipients from their notice.
    """
    for recipient in recipients:
        # A named function, not a partial: Django logs a failed robust callback by its
        # __qualname__.
        def send(recipient=recipient) -> None:
            notify(recipient=recipient, **kwargs)

        transaction.on_commit(send, robust=True)


def notification_preferences_save(*, user, choices: dict[str, tuple[bool, bool]]):
    """choices: event -> (in_app, email)."""
    with transaction.atomic():
        for event, (in_app, email) in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"in_app": in_app, "email": email}
            )


def webhooks_for_transition(*, instance, name, source, target, user, **_kwargs):
    """Receiver of `transitioned` (inside the transition's transaction): an outbox row for a
    signed POST to each subscribed endpoint."""
    record_type = instance._meta.label_lower
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(record_type, name)
    ]
    if not endpoints:
        return
    payload = {
        "id": str(uuid.uuid4()),  # one event, one id, whichever endpoints receive it
        "event": f"{record_type}.{name}",
        "record": {"type": record_type, "id": instance.pk},
        "transition": name,
        "from": source,
        "to": target,
        "by": getattr(user, "username", None),
        "at": timezone.now().isoformat(),
    }
    for endpoint in endpoints:
        outbox.queue_webhook(endpoint=endpoint, payload=payload)


def notification_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


class BotFields(TypedDict, total=False):
    team: Team
    provider: str
    name: str
    url: str
    secret: str
    events: list[str]
    active: bool


class EndpointFields(TypedDict, total=False):
    name: str
    url: str
    secret: str
    events: list[str]
    active: bool


@transaction.atomic
def bot_webhook_save(
    *, user: User, bot: BotWebhook | None = None, **fields: Unpack[BotFields]
) -> BotWebhook:
    """A team's lead, a manager or an admin configures the team's group bots."""
    bot = bot or BotWebhook()
    for key, value in fields.items():
        if key in BotFields.__annotations__:
            setattr(bot, key, value)
    if bot.team_id is None:
        raise ValidationError({"team": _("Choose a team.")})
    require(user, "notifications.bots", bot.team)
    bot.full_clean()
    bot.save()
    return bot


@transaction.atomic
def webhook_endpoint_save(
    *, user: User, endpoint: WebhookEndpoint | None = None, **fields: Unpack[EndpointFields]
) -> WebhookEndpoint:
    """Integrations are set up by managers and admins."""
    require(user, "notifications.integrations")
    endpoint = endpoint or WebhookEndpoint(created_by=user)
    for key, value in fields.items():
        if key in EndpointFields.__annotations__:
            setattr(endpoint, key, value)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


PING_EVENT = "ping"


@transaction.atomic
def webhook_ping(*, user: User, endpoint: WebhookEndpoint) -> Delivery:
    """A signed `ping` event to the endpoint (active or not), through the outbox like every
    event, so the integrator sees the signature, headers and retries of the real thing."""
    require(user, "notifications.integrations", endpoint)
    payload = {
        "id": str(uuid.uuid4()),
        "event": PING_EVENT,
        "endpoint": {"id": endpoint.pk, "name": endpoint.name},
        "by": user.get_username(),
        "at": timezone.now().isoformat(),
    }
    return outbox.queue_webhook(endpoint=endpoint, payload=payload)


@transaction.atomic
def webhook_redeliver(*, user: User, delivery: Delivery) -> Delivery:
    """Send a webhook delivery again as a new outbox row with the same body and event id, so
    a receiver that already handled the event can drop it. A row still waiting to be sent
    (pending or sending) is refused: it will leave on its own."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .get(pk=delivery.pk)
    )
    if delivery.kind != Delivery.Kind.WEBHOOK or delivery.endpoint is None:
        raise ValidationError(_("Only a webhook delivery can be redelivered."))
    require(user, "notifications.integrations", delivery.endpoint)
    if delivery.status in (Delivery.Status.PENDING, Delivery.Status.SENDING):
        raise ValidationError(_("This delivery is still queued; it will be sent on its own."))
    payload = dict(delivery.payload)
    if delivery.event_id:
        payload["id"] = str(delivery.event_id)
    return outbox.queue_webhook(endpoint=delivery.endpoint, payload=payload, redelivery_of=delivery)
