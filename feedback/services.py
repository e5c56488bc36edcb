"""Writes of the service stage: tickets and their SLA, surveys, account flags, feedback items.

One function per business operation, keyword-only, one transaction each.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from activities.models import ActivityKind
from activities.services import activity_create
from customers.models import Account, Contact
from customfields.services import apply_values
from ltc.records import require_visible
from ltc.timers import escalation_recipients
from ltc.transitions import perform_transition
from notifications import outbox
from notifications.messages import Message, as_text
from notifications.services import absolute_url, notify, notify_after_commit
from roles.permissions import has_role, users_with_role
from roles.policies import can, require

from . import clock
from .models import (
    OPEN_STATES,
    AccountFlag,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    FlagReason,
    Survey,
    SurveyKind,
    Ticket,
    TicketPriority,
    TicketStatus,
    feedback_route,
    role_for_category,
)
from .sla import Calendar

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from orders.models import Order

log = logging.getLogger(__name__)


class TicketFields(TypedDict, total=False):
    subject: str
    description: str
    category: str
    priority: str
    contact: Contact | None
    order: Order | None
    assignee: User | None


TICKET_EDITABLE = tuple(TicketFields.__annotations__)


# --- tickets -----------------------------------------------------------------------------------
def _check_ticket_links(*, account, contact, order):
    errors = {}
    if contact is not None and contact.account_id != account.pk:
        errors["contact"] = _("The contact belongs to another account.")
    if order is not None and order.account_id != account.pk:
        errors["order"] = _("The order belongs to another account.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_create(
    *,
    user: User,
    account: Account,
    subject: str,
    category: str = "other",
    priority: str = "normal",
    description: str = "",
    contact: Contact | None = None,
    order=None,
    assignee=None,
    custom: dict | None = None,
) -> Ticket:
    """Open a case; after-sales categories (product, delivery) go to operations, the rest to
    customer service."""
    require(user, "feedback.ticket_create")
    require_visible(user, account=account, contact=contact, order=order)
    _check_ticket_links(account=account, contact=contact, order=order)
    ticket = Ticket(
        subject=subject,
        description=description,
        category=category,
        priority=priority,
        account=account,
        contact=contact,
        order=order,
        assignee=assignee,
        created_by=user,
        assigned_role=role_for_category(category),
    )
    if custom is not None:
        apply_values(ticket, custom, user=user, partial=False)
    ticket.full_clean()
    ticket.save()
    return ticket


def ticket_can_edit(*, user: User, ticket: Ticket) -> bool:
    return can(user, "feedback.ticket_handle") and ticket.status != TicketStatus.CLOSED


@transaction.atomic
def ticket_update(
    *, user: User, ticket: Ticket, custom: dict | None = None, **fields: Unpack[TicketFields]
) -> Ticket:
    if not ticket_can_edit(user=user, ticket=ticket):
        raise PermissionDenied(_("You may not edit this ticket."))
    require_visible(
        user,
        account=fields.get("account"),
        contact=fields.get("contact"),
        order=fields.get("order"),
    )
    for key, value in fields.items():
        if key in TICKET_EDITABLE:
            setattr(ticket, key, value)
    _check_ticket_links(account=ticket.account, contact=ticket.contact, order=ticket.order)
    if "category" in fields:
        ticket.assigned_role = role_for_category(ticket.category)
    if custom is not None:
        apply_values(ticket, custom, user=user)
    ticket.full_clean()
    ticket.save()
    return ticket


@transaction.atomic
def ticket_reply(*, user: User, ticket: Ticket, body: str):
    """A public reply to the customer: logged as an email activity; the first one is the
    ticket's first response (like `start`)."""
    require(user, "feedback.ticket_handle")
    if not (body or "").strip():
        raise ValidationError({"body": _("Write the reply.")})
    activity = activity_create(
        record=ticket,
        owner=user,
        kind=ActivityKind.EMAIL,
        subject=_("Reply to customer"),
        notes=body.strip(),
        done=True,
    )
    now = timezone.now()
    if Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(
        first_response_at=now
    ):
        ticket.first_response_at = now
        _record_late(ticket, clock.FIRST_RESPONSE)
    return activity


@transaction.atomic
def _record_late(ticket: Ticket, target: str, *, now=None):
    """After a response or resolution: if it came past its target, mark the breach (once)."""
    ticket.refresh_from_db()
    state = clock.ticket_clock(ticket, target, now=now)
    if state.breached:
        ticket_breach(ticket=ticket, target=target, escalate=False, now=now)


def ticket_start(*, obj: Ticket, user: User, data=None) -> Ticket:
    first = obj.first_response_at is None
    ticket = perform_transition(obj=obj, name="start", user=user, data=data)
    if first:
        _record_late(ticket, clock.FIRST_RESPONSE)
    return ticket


def ticket_resolve(*, obj: Ticket, user: User, data=None) -> Ticket:
    """in_progress → resolved with the resolution; the CSAT survey goes out in the same
    transaction (the survey belongs to this stage: no hand-off)."""

    def survey(ticket: Ticket, fields):
        survey_for_resolved_ticket(ticket=ticket)

    ticket = perform_transition(obj=obj, name="resolve", user=user, data=data, effect=survey)
    _record_late(ticket, clock.RESOLUTION)
    return ticket


TARGET_LABELS = {
    clock.FIRST_RESPONSE: gettext_lazy("first response"),
    clock.RESOLUTION: gettext_lazy("resolution"),
}


@transaction.atomic
def ticket_breach(*, ticket: Ticket, target: str, escalate: bool = True, now=None) -> bool:
    """Record that `ticket` missed `target` (once), flag its account and, with `escalate`,
    tell the service lead. Returns True if this call recorded the breach."""
    now = now or timezone.now()
    field = f"{target}_breached_at"
    newly = Ticket.objects.filter(pk=ticket.pk, **{f"{field}__isnull": True}).update(**{field: now})
    if newly:
        setattr(ticket, field, now)
        account_flag_raise(
            account=ticket.account,
            reason=FlagReason.SLA_BREACH,
            ticket=ticket,
            note=Message(
                gettext_noop("Ticket %(ticket)s missed its %(target)s target."),
                ticket=ticket,
                target=TARGET_LABELS[target],
            ),
        )
    if escalate:
        # the leads of the service agents' teams (the service lead), else the managers
        for user in escalation_recipients(users_with_role("service"), "manager"):
            notify(
                recipient=user,
                key=f"sla-breach:{ticket.pk}:{target}",
                title=Message(
                    gettext_noop("SLA missed (%(target)s): %(ticket)s"),
                    target=TARGET_LABELS[target],
                    ticket=ticket,
                ),
                body=Message(
                    gettext_noop("Priority %(priority)s, account %(account)s."),
                    priority=TicketPriority(ticket.priority).label,
                    account=ticket.account,
                ),
                url=ticket.get_absolute_url(),
            )
    return bool(newly)


def escalate_sla_breaches(*, now=None) -> int:
    """Celery: every open ticket past a target is recorded and escalated, once per ticket and
    target however often this runs. Returns how many breaches were new."""
    now = now or timezone.now()
    calendar = Calendar.current()
    candidates = list(
        Ticket.objects.filter(status__in=OPEN_STATES)
        .filter(
            Q(first_response_at__isnull=True, first_response_breached_at__isnull=True)
            | Q(resolution_breached_at__isnull=True)
        )
        .select_related("account")
    )
    changes = clock.changes_by_ticket(t.pk for t in candidates)
    count = 0
    for ticket in candidates:
        for target in clock.TARGETS:
            if getattr(ticket, f"{target}_breached_at") is not None:
                continue
            if target == clock.FIRST_RESPONSE and ticket.first_response_at is not None:
                continue
            state = clock.ticket_clock(
                ticket, target, now=now, changes=changes.get(ticket.pk, []), calendar=calendar
            )
            if state.breached and ticket_breach(ticket=ticket, target=target, now=now):
                count += 1
    return count


def close_resolved_tickets(*, now=None) -> int:
    """Celery: resolved tickets left alone for LTC["TICKET_AUTO_CLOSE_DAYS"] close (system)."""
    now = now or timezone.now()
    days = settings.LTC.get("TICKET_AUTO_CLOSE_DAYS", 7)
    closed = 0
    due = Ticket.objects.filter(
        status=TicketStatus.RESOLVED, resolved_at__lte=now - datetime.timedelta(days=days)
    )
    for ticket in due.iterator(chunk_size=200):
        try:
            perform_transition(obj=ticket, name="close", user=None, system=True)
        except Exception:  # changed meanwhile (reopened or closed): skip, next run sees it
            log.info("auto-close skipped ticket %s", ticket.pk, exc_info=True)
            continue
        closed += 1
    return closed


# --- account flags ------------------------------------------------------------------------------
@transaction.atomic
def account_flag_raise(
    *,
    account: Account,
    reason: str,
    ticket: Ticket | None = None,
    survey=None,
    note: str | Message = "",
) -> AccountFlag:
    flag, created = AccountFlag.objects.get_or_create(
        account=account,
        reason=reason,
        ticket=ticket,
        survey=survey,
        cleared_at=None,
        defaults={"note": as_text(note)[:300]},
    )
    if created and account.owner_id:
        owner = account.owner
        notify(
            recipient=owner,
            key=f"account-flag:{flag.pk}",
            title=Message(gettext_noop("Customer at risk: %(account)s"), account=account),
            body=note or Message("%(reason)s", reason=FlagReason(reason).label),
            url=account.get_absolute_url(),
        )
    return flag


@transaction.atomic
def account_flag_clear(*, flag: AccountFlag, user: User) -> AccountFlag:
    require(user, "feedback.flag_clear")
    if AccountFlag.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(
        cleared_at=timezone.now(), cleared_by=user
    ):
        flag.refresh_from_db()
    return flag


# --- surveys -------------------------------------------------------------------------------------
SALT = "feedback.survey"


class SurveyLinkError(Exception):
    """A survey link that cannot be used: `status` is 400 (forged, bad answer) or 410
    (expired, already answered)."""

    def __init__(self, message, status=400, errors=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or {}


def survey_max_age() -> int:
    return int(settings.LTC.get("SURVEY_LINK_MAX_AGE_DAYS", 30)) * 86400


def survey_link_token(survey: Survey) -> str:
    return signing.TimestampSigner(salt=SALT).sign(survey.token)


def survey_url(survey: Survey) -> str:
    return absolute_url(reverse("feedback:survey-answer", args=[survey_link_token(survey)]))


class _SignedAt(signing.TimestampSigner):
    """A TimestampSigner that stamps a given moment instead of now."""

    def __init__(self, at: datetime.datetime, **kwargs):
        super().__init__(**kwargs)
        self.at = at

    def timestamp(self):
        return signing.b62_encode(int(self.at.timestamp()))


def survey_public_link(survey: Survey, *, user: User, request=None) -> str | None:
    """The survey's public answer link for the people who send surveys (service, the account
    owner, a manager), e.g. to paste into WeChat or show as a QR code; None for anyone else
    and once answered. The link is stamped with the moment the survey was (last) sent, so it
    expires with the emailed one however often it is read."""
    if survey.answered_at is not None:
        return None
    if not can(user, "feedback.survey_send", survey):
        return None
    signer = _SignedAt(survey.sent_at or survey.created_at, salt=SALT)
    path = reverse("feedback:survey-answer", args=[signer.sign(survey.token)])
    return absolute_url(path, request)


def _recipient(account: Account, contact: Contact | None) -> Contact | None:
    if contact is not None and contact.email:
        return contact
    contacts = account.contacts.exclude(email="").order_by("-is_primary", "pk")
    return contacts.first() or contact


@transaction.atomic
def survey_send(*, kind: str, account: Account, contact=None, ticket=None, order=None) -> Survey:
    """Create the survey and email its signed link (after commit) in the contact's language."""
    contact = _recipient(account, contact)
    survey = Survey.objects.create(
        kind=kind,
        account=account,
        contact=contact,
        ticket=ticket,
        order=order,
        token=secrets.token_urlsafe(24),
        email=contact.email if contact else "",
        language=contact.language if contact else settings.LANGUAGE_CODE,
    )
    if survey.email:
        survey.sent_at = timezone.now()
        survey.save(update_fields=["sent_at"])
        _queue_survey_email(survey)
    return survey


def _queue_survey_email(survey: Survey) -> None:
    """The survey link, in the contact's language, written to the outbox with the survey."""
    with translation.override(survey.language):
        context = {"survey": survey, "url": survey_url(survey)}
        subject = render_to_string("feedback/survey_email_subject.txt", context).strip()
        body = render_to_string("feedback/survey_email.txt", context)
    outbox.queue_email(to=[survey.email], subject=subject, body=body)


def survey_for_resolved_ticket(*, ticket: Ticket) -> Survey | None:
    if Survey.objects.filter(ticket=ticket).exists():
        return None
    return survey_send(
        kind=SurveyKind.CSAT, account=ticket.account, contact=ticket.contact, ticket=ticket
    )


def survey_for_delivered_order(*, order) -> Survey | None:
    if Survey.objects.filter(order=order).exists():
        return None
    contract = getattr(order, "contract", None)
    contact = getattr(contract, "contact", None)
    return survey_send(kind=SurveyKind.NPS, account=order.account, contact=contact, order=order)


def survey_from_link(token: str) -> Survey:
    """The survey a link opens, or SurveyLinkError: forged (400), expired or used (410)."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=survey_max_age())
    except signing.SignatureExpired as exc:
        raise SurveyLinkError(_("This survey link has expired."), status=410) from exc
    except signing.BadSignature as exc:
        raise SurveyLinkError(_("This survey link is not valid."), status=400) from exc
    survey = Survey.objects.select_related("account").filter(token=value).first()
    if survey is None:
        raise SurveyLinkError(_("This survey link is not valid."), status=400)
    if survey.answered_at is not None:
        raise SurveyLinkError(_("This survey has already been answered. Thank you!"), status=410)
    return survey


def _clean_answer(survey: Survey, score, comment) -> tuple[int, str]:
    low, high = survey.score_range
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        message = _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise SurveyLinkError(message, status=400, errors={"score": [message]})
    comment = (comment or "").strip()
    if len(comment) > 4000:
        message = _("The comment is too long (4000 characters at most).")
        raise SurveyLinkError(message, status=400, errors={"comment": [message]})
    return value, comment


@transaction.atomic
def survey_answer(*, token: str, score, comment: str = "") -> Survey:
    """Record the customer's answer once: the conditional UPDATE lets exactly one of two
    simultaneous submissions through. A detractor NPS (0–6) flags the account."""
    survey = survey_from_link(token)
    value, comment = _clean_answer(survey, score, comment)
    now = timezone.now()
    won = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        answered_at=now, score=value, comment=comment
    )
    if not won:
        raise SurveyLinkError(_("This survey has already been answered. Thank you!"), status=410)
    survey.answered_at, survey.score, survey.comment = now, value, comment
    if survey.is_unhappy:
        if survey.kind == SurveyKind.CSAT:
            reason = FlagReason.LOW_CSAT
            note = gettext_noop("CSAT %(score)s: %(comment)s")
        else:
            reason = FlagReason.DETRACTOR
            note = gettext_noop("NPS %(score)s: %(comment)s")
        account_flag_raise(
            account=survey.account,
            reason=reason,
            survey=survey,
            note=Message(note, score=value, comment=comment[:200]),
        )
    return survey


def survey_can_send(*, user: User, survey: Survey) -> bool:
    return can(user, "feedback.survey_send", survey)


@transaction.atomic
def survey_resend(*, user: User, survey: Survey) -> Survey:
    """Send an unanswered survey's link again by email, through the same path as the first
    time (in the contact's language), to the survey's contact or the account's first contact
    with an email. Service, a manager and the account's owner may."""
    require(user, "feedback.survey_send", survey)
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("account", "contact")
        .get(pk=survey.pk)
    )
    if survey.answered_at is not None:
        raise ValidationError(_("This survey has already been answered."))
    contact = _recipient(survey.account, survey.contact)
    if contact is None or not contact.email:
        raise ValidationError(_("No contact of this account has an email address."))
    survey.contact, survey.email = contact, contact.email
    survey.language = contact.language or survey.language
    survey.sent_at = timezone.now()
    survey.save(update_fields=["contact", "email", "language", "sent_at"])
    _queue_survey_email(survey)
    return survey


# --- feedback items ------------------------------------------------------------------------------
@transaction.atomic
def feedback_item_create(*, user: User, kind, category, title, description="", account=None):
    require(user, "feedback.item_create")
    require_visible(user, account=account)
    item = FeedbackItem(
        kind=kind,
        category=category,
        title=title,
        description=description,
        account=account,
        created_by=user,
        routed_to=feedback_route(kind=kind, category=category),
    )
    item.full_clean()
    item.save()
    notify_after_commit(
        recipients=list(users_with_role(item.routed_to)),
        key=f"feedback-item:{item.pk}",
        title=Message(
            gettext_noop("New %(kind)s: %(title)s"),
            kind=FeedbackKind(item.kind).label,
            title=item.title,
        ),
        body=item.description[:500],
        url=item.get_absolute_url(),
    )
    return item


ORDER = [FeedbackStatus.NEW, FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.DONE]


@transaction.atomic
def feedback_item_set_status(*, user: User, item: FeedbackItem, status: str) -> FeedbackItem:
    """The team it is routed to acknowledges it and marks it done."""
    if not (user.is_superuser or has_role(user, item.routed_to)):
        raise PermissionDenied(_("Only the team this feedback is routed to updates it."))
    if status not in FeedbackStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    return item
