import hashlib
import hmac
import json

SECRET = "the endpoint's signing secret"
handled_event_ids = set()  # in production: a table with a unique key on the event id


def verify(secret: str, body: bytes, signature: str) -> bool:
    """True if `signature` (the X-LTC-Signature header) signs exactly these bytes."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def handle(event: dict) -> None:
    """Your integration: e.g. create the customer in the ERP when a contract is signed."""
    print(event["event"], event.get("record"))


def receive(body: bytes, headers) -> int:
    """Answer one POST: `body` is the raw request body (before any JSON parsing), `headers`
    a case-insensitive mapping (Django's request.headers, Flask's request.headers).
    Returns the HTTP status to answer with."""
    if not verify(SECRET, body, headers.get("X-LTC-Signature", "")):
        return 401  # not from the CRM, or changed on the way: ignore it
    event = json.loads(body)
    if event["id"] in handled_event_ids:
        return 200  # a retry or a redelivery of an event already handled
    handle(event)
    handled_event_ids.add(event["id"])
    return 200  # any 2xx, quickly; anything else (or no answer in 5 s) is retried
