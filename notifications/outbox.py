"""The outbox: every outgoing email, group-bot message and webhook is a Delivery row written in
the transaction of its cause, so it commits or rolls back with it.

After commit the row is handed to the `deliver` task; if the broker is down that hand-off is
only logged (the request never fails) and the sweeper (`outbox_sweep`, every minute in the
beat schedule) sends what is due. A sender first claims the row (pending → sending in one
conditional UPDATE): of two workers, sweepers or a worker and a sweeper only one wins, so a
message leaves once. A failure puts the row back to pending with an exponential backoff, up
to OUTBOX_MAX_ATTEMPTS, then it stays failed. A row left in `sending` by a worker that died
mid-send is released after SENDING_LEASE and sent again; receivers can drop such a repeat by
its id (the `X-LTC-Delivery` header of bots and webhooks, the Message-ID of emails).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import BotWebhook, Delivery, WebhookEndpoint
from .outbound import DeliveryError, post, prepare_bot_request, prepare_endpoint_request

log = logging.getLogger(__name__)

SENDING_LEASE = datetime.timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
ERROR_TEXT_LIMIT = 500

# name -> builder(object id) -> (filename, content, mimetype), filled by the engine's wire()
# from the stages' AppConfig declarations (`Contributes.email_attachments`: billing the invoice
# PDF, opportunities the quote PDF), so the PDF is rendered when the email leaves, from the
# issued (immutable) record.
Attachment = tuple[str, bytes, str]
ATTACHMENTS: dict[str, Callable[[int], Attachment]] = {}


def max_attempts() -> int:
    return int(settings.LTC.get("OUTBOX_MAX_ATTEMPTS", 7))


# --- writing to the outbox (inside the caller's transaction) ---------------------------------
def queue_email(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, int]] = (),
) -> Delivery:
    """An email; `attachments` are (registered builder name, object id) pairs."""
    payload = {
        "to": [address for address in to if address],
        "subject": " ".join(str(subject).split()),  # a header: no line breaks
        "body": str(body),
        "attachments": [[name, pk] for name, pk in attachments],
    }
    return _queue(Delivery(kind=Delivery.Kind.EMAIL, payload=payload))


def queue_bot(*, bot: BotWebhook, payload: dict) -> Delivery:
    return _queue(Delivery(kind=Delivery.Kind.BOT, bot=bot, payload=payload))


def queue_webhook(
    *, endpoint: WebhookEndpoint, payload: dict, redelivery_of: Delivery | None = None
) -> Delivery:
    """A webhook; `payload["id"]` is the event's id (a new one if it has none), kept on the
    row for the log and the X-LTC-Event-Id header (the same on retries and on redeliveries)."""
    if not payload.get("id"):
        payload = {**payload, "id": str(uuid.uuid4())}
    return _queue(
        Delivery(
            kind=Delivery.Kind.WEBHOOK,
            endpoint=endpoint,
            payload=payload,
            event_id=payload["id"],
            redelivery_of=redelivery_of,
        )
    )


def _queue(delivery: Delivery) -> Delivery:
    delivery.save()
    pk = delivery.pk
    transaction.on_commit(lambda: dispatch(pk))
    return delivery


def dispatch(pk: int) -> None:
    """After commit: hand the row to a worker. Never raises: with the broker down the row
    stays pending and the sweeper sends it."""
    from .tasks import deliver

    try:
        deliver.apply_async((pk,), retry=False)
    except Exception:
        log.warning("outbox %s not queued (broker unavailable?); the sweeper will send it", pk)


# --- sending -------------------------------------------------------------------------------
def claim(pk: int, *, now: datetime.datetime | None = None) -> bool:
    """Take the row for sending; True for exactly one caller while it is due."""
    now = now or timezone.now()
    return bool(
        Delivery.objects.filter(
            pk=pk, status=Delivery.Status.PENDING, next_attempt_at__lte=now
        ).update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def send(pk: int, *, now: datetime.datetime | None = None) -> str:
    """Claim and send one row; the row's status afterwards (unchanged if another sender has it
    or it is not due)."""
    if not claim(pk, now=now):
        return Delivery.objects.filter(pk=pk).values_list("status", flat=True).first() or ""
    return _send_claimed(Delivery.objects.select_related("bot", "endpoint").get(pk=pk), now=now)


def _send_claimed(delivery: Delivery, *, now: datetime.datetime | None = None) -> str:
    code = None
    try:
        if delivery.kind == Delivery.Kind.EMAIL:
            _send_email(delivery)
        else:
            code = _post(delivery)
    except ValidationError as exc:  # the URL is refused: retrying cannot help
        return _record_failure(delivery, exc, final=True, code=code)
    except Exception as exc:
        return _record_failure(delivery, exc, final=False, code=code, now=now)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DELIVERED,
        delivered_at=timezone.now(),
        last_error="",
        response_code=code,
    )
    return Delivery.Status.DELIVERED


def _post(delivery: Delivery) -> int:
    if delivery.bot_id:
        url, headers, body = prepare_bot_request(delivery.bot, delivery.payload)
    elif delivery.endpoint_id:
        payload = delivery.payload
        if delivery.event_id:  # the column is the event's id, also for rows older than ids
            payload = {**payload, "id": str(delivery.event_id)}
        url, headers, body = prepare_endpoint_request(delivery.endpoint, payload)
    else:
        raise ValidationError("The bot or endpoint of this delivery is gone.")
    headers = {**headers, "X-LTC-Delivery": str(delivery.pk)}
    return post(url, headers, body)


def _send_email(delivery: Delivery) -> None:
    data = delivery.payload
    if not data.get("to"):
        raise ValidationError("No recipient.")
    message = EmailMessage(
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        to=list(data["to"]),
        headers={"Message-ID": f"<ltc-outbox-{delivery.pk}@{DNS_NAME}>"},
    )
    for name, pk in data.get("attachments", []):
        message.attach(*ATTACHMENTS[name](pk))
    message.send()


def _record_failure(
    delivery: Delivery,
    exc: Exception,
    *,
    final: bool,
    code: int | None,
    now: datetime.datetime | None = None,
) -> str:
    attempts = Delivery.objects.filter(pk=delivery.pk).values_list("attempts", flat=True).get()
    give_up = final or attempts >= max_attempts()
    status = Delivery.Status.FAILED if give_up else Delivery.Status.PENDING
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    if not isinstance(exc, DeliveryError | ValidationError):
        log.exception("outbox %s: attempt %s failed", delivery.pk, attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        last_error=error_text(exc),
        response_code=code,
        next_attempt_at=(now or timezone.now()) + datetime.timedelta(seconds=delay),
    )
    return status


def error_text(exc: Exception) -> str:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    text = text or type(exc).__name__
    return text if len(text) <= ERROR_TEXT_LIMIT else text[: ERROR_TEXT_LIMIT - 1] + "…"


def sweep(*, now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Release rows whose sender died mid-send, then send what is due, oldest first."""
    now = now or timezone.now()
    released = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(status=Delivery.Status.PENDING, next_attempt_at=now)
    with transaction.atomic():
        # skip_locked: rows another sweeper is looking at are left to it; the claim in send()
        # is what makes sending exactly once on every database.
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
    counts = {"released": released, "delivered": 0, "pending": 0, "failed": 0}
    for pk in due:
        status = send(pk, now=now)
        if status in counts:
            counts[status] += 1
    return counts
