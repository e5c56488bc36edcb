"""Writes on opportunities and quotes: one function per business operation, each one
transaction. Transitions with cross-model effects are declared in OpportunitiesConfig.contributes so
that `ltc.transitions.run` (browser, API, Celery) always goes through them."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from guardian.shortcuts import remove_perm

from customfields.services import apply_values
from ltc.handoffs import opportunity_won
from ltc.records import require_visible
from ltc.signoffs import record_rejection, sign_off
from ltc.transitions import (
    ConcurrentTransition,
    TransitionNotAllowed,
    perform_transition,
)
from notifications.messages import Message
from notifications.services import notify
from roles.permissions import has_role, users_with_role
from roles.policies import can, require

from .models import (
    OPEN_STAGES,
    LostReason,
    Opportunity,
    Quote,
    QuoteLine,
    QuoteStatus,
    SignOffRole,
    Stage,
)

if TYPE_CHECKING:
    import datetime
    from decimal import Decimal

    from django.contrib.auth.models import User

    from catalog.models import Product
    from customers.models import Account, Contact

OPPORTUNITY_PERMS = ("opportunities.view_opportunity", "opportunities.change_opportunity")


class OpportunityFields(TypedDict, total=False):
    """The fields of a new opportunity besides its account and owner."""

    name: str
    contact: Contact | None
    amount: Decimal
    currency: str
    expected_close_date: datetime.date | None
    probability: int
    source: str
    next_step: str
    next_follow_up_at: datetime.datetime | None
    competitors: str


class OpportunityUpdateFields(OpportunityFields, total=False):
    account: Account


class QuoteFields(TypedDict, total=False):
    valid_until: datetime.date | None
    notes: str
    currency: str


class QuoteLineFields(TypedDict, total=False):
    product: Product | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    tax_rate: Decimal


EDITABLE = tuple(OpportunityUpdateFields.__annotations__)
LINE_FIELDS = tuple(QuoteLineFields.__annotations__)
UNSET = object()


# --- opportunities ---------------------------------------------------------------------------
def _revoke(opportunity: Opportunity, user: User):
    for perm in OPPORTUNITY_PERMS:
        remove_perm(perm, user, opportunity)


def _check_contact(opportunity: Opportunity):
    contact = opportunity.contact if opportunity.contact_id else None
    if contact is not None and contact.account_id != opportunity.account_id:
        raise ValidationError({"contact": _("The contact belongs to another account.")})


@transaction.atomic
def opportunity_create(
    *,
    user: User,
    account: Account,
    owner: User | None = None,
    custom: dict | None = None,
    **fields: Unpack[OpportunityFields],
) -> Opportunity:
    require(user, "opportunities.create")
    owner = owner or user
    if not has_role(owner, "sales"):
        raise ValidationError({"owner": _("The account owner must be a salesperson.")})
    require_visible(user, account=account, contact=fields.get("contact"))
    opportunity = Opportunity(
        account=account,
        owner=owner,
        created_by=user,
        **{k: v for k, v in fields.items() if k in EDITABLE and k != "account"},
    )
    _check_contact(opportunity)
    if custom is not None:
        apply_values(opportunity, custom, user=user, partial=False)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_create_from_lead(*, lead, account, contact, user: User) -> Opportunity:
    """The lead → opportunity hand-off (receiver of ltc.handoffs.lead_converted): runs inside
    the lead's convert transaction. Exactly one opportunity per lead (OneToOne)."""
    existing = Opportunity.objects.filter(lead=lead).first()
    if existing is not None:
        return existing
    owner = lead.owner or user
    opportunity = Opportunity.objects.create(
        name=(lead.company or account.name or lead.name)[:200],
        account=account,
        contact=contact,
        lead=lead,
        amount=lead.budget or Decimal("0"),
        currency=lead.currency,
        expected_close_date=lead.expected_close_date,
        source=lead.source,
        owner=owner,
        created_by=user,
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: Opportunity,
    user: User,
    custom: dict | None = None,
    **fields: Unpack[OpportunityUpdateFields],
) -> Opportunity:
    from .selectors import opportunity_can_edit

    if not opportunity_can_edit(user=user, opportunity=opportunity):
        raise PermissionDenied(_("You may not edit this opportunity."))
    require_visible(user, account=fields.get("account"), contact=fields.get("contact"))
    for key, value in fields.items():
        if key in EDITABLE:
            setattr(opportunity, key, value)
    _check_contact(opportunity)
    if custom is not None:
        apply_values(opportunity, custom, user=user)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_assign_team(
    *,
    opportunity: Opportunity,
    user: User,
    owner=UNSET,
    solution_owner=UNSET,
    fulfilment_owner=UNSET,
) -> Opportunity:
    """Set the iron triangle. The account owner or a manager assigns; each new member is granted
    the opportunity (and through it its quotes); a replaced member loses the grant."""
    require(user, "opportunities.assign_team", opportunity)
    changes = []
    for field, value, role in (
        ("owner", owner, "sales"),
        ("solution_owner", solution_owner, "sales_support"),
        ("fulfilment_owner", fulfilment_owner, "operations"),
    ):
        if value is UNSET:
            continue
        if value is None and field == "owner":
            raise ValidationError({"owner": _("An opportunity always has an account owner.")})
        if value is not None and not has_role(value, role):
            raise ValidationError({field: _("This person does not hold the required role.")})
        previous = getattr(opportunity, field)
        if previous == value:
            continue
        setattr(opportunity, field, value)
        changes.append((field, previous, value))
    if not changes:
        return opportunity
    opportunity.save()
    members = {opportunity.owner, opportunity.solution_owner, opportunity.fulfilment_owner}
    for field, previous, value in changes:
        if previous is not None and previous not in members:
            _revoke(opportunity, previous)  # a share the person may hold ends with the role
        if value is not None:
            if value != user:
                _notify_assigned(opportunity, value, field)
    return opportunity


def _notify_assigned(opportunity: Opportunity, person, field: str):
    label = Opportunity._meta.get_field(field).verbose_name  # translated when shown
    stamp = timezone.now().timestamp()
    notify(
        recipient=person,
        key=f"opportunity-team:{opportunity.pk}:{field}:{person.pk}:{stamp}",
        title=Message(
            gettext_noop("You are the %(role)s of %(opportunity)s"),
            role=label,
            opportunity=opportunity,
        ),
        url=opportunity.get_absolute_url(),
    )


def opportunity_win(*, obj: Opportunity, user: User, data=None) -> Opportunity:
    """negotiation → won, then the hand-off to contracts (a signal; the contracts stage, when it
    exists, drafts the contract from the accepted quote) in the same transaction."""

    def hand_off(opportunity: Opportunity, fields):
        quote = opportunity.quotes.filter(status=QuoteStatus.ACCEPTED).order_by("-version").first()
        # The won amount is the accepted quote's total (win requires one).
        if quote is not None:
            opportunity.amount, opportunity.currency = quote.total, quote.currency
            Opportunity.objects.filter(pk=opportunity.pk).update(
                amount=quote.total, currency=quote.currency
            )
        opportunity_won.send(sender=Opportunity, instance=opportunity, quote=quote, user=user)

    return perform_transition(obj=obj, name="win", user=user, data=data, effect=hand_off)


def notify_due_opportunity_follow_ups(now) -> int:
    sent = 0
    due = Opportunity.objects.filter(
        next_follow_up_at__lte=now,
        stage__in=[Stage.QUALIFICATION, Stage.NEEDS_ANALYSIS, Stage.PROPOSAL, Stage.NEGOTIATION],
    ).select_related("owner")
    for opportunity in due.iterator(chunk_size=500):
        if notify(
            recipient=opportunity.owner,
            key=f"follow-up:opportunity:{opportunity.pk}:{opportunity.next_follow_up_at.isoformat()}",
            title=Message(
                gettext_noop("Follow up opportunity: %(opportunity)s"), opportunity=opportunity
            ),
            body=Message(gettext_noop("The follow-up you planned is due.")),
            url=opportunity.get_absolute_url(),
        ):
            sent += 1
    return sent


# --- quotes ------------------------------------------------------------------------------------
def _follow_quote(quote: Quote, fields=None):
    """The opportunity's amount and currency become the quote's total, inside the quote's
    transition (approve or accept), so the pipeline, the forecast and won totals count what
    was quoted, not the lead's budget. Once a quote is accepted it is the deal's price: a
    later approval of another version does not move the amount; a closed deal never moves."""
    opportunity = Opportunity.objects.select_for_update().get(pk=quote.opportunity_id)
    if opportunity.stage not in OPEN_STAGES:
        return
    if quote.status != QuoteStatus.ACCEPTED and (
        opportunity.quotes.filter(status=QuoteStatus.ACCEPTED).exclude(pk=quote.pk).exists()
    ):
        return
    if opportunity.amount == quote.total and opportunity.currency == quote.currency:
        return
    Opportunity.objects.filter(pk=opportunity.pk).update(
        amount=quote.total, currency=quote.currency, updated_at=timezone.now()
    )


def quote_next_step(*, quote: Quote, user: User) -> dict | None:
    """What accepting a quote offers next: the win of its opportunity (or, from proposal, the
    move to negotiation that comes before it), when the user may run it now. The quote page
    shows it as a button and the API answers it as `next`."""
    from ltc.transitions import transitions_for

    if quote.status != QuoteStatus.ACCEPTED:
        return None
    opportunity = quote.opportunity
    allowed = {t["name"]: t for t in transitions_for(opportunity, user) if t["allowed"]}
    for name in ("win", "negotiate"):
        if name in allowed:
            return {
                "transition": name,
                "label": str(allowed[name]["label"]),
                "opportunity": opportunity.pk,
                "api": f"/api/v1/opportunities/{opportunity.pk}/transitions/{name}/",
            }
    return None


def quote_can_edit(*, user: User, opportunity: Opportunity) -> bool:
    """Sales support builds quotes on the opportunities they are assigned to or granted."""
    return can(user, "opportunities.quote", opportunity)


def _check_quote_writer(user: User, opportunity: Opportunity):
    if not quote_can_edit(user=user, opportunity=opportunity):
        raise PermissionDenied(_("Only the solution owner (sales support) builds this quote."))


def _lock_editable(quote: Quote) -> Quote:
    locked = Quote.objects.select_for_update().select_related("opportunity").get(pk=quote.pk)
    if not locked.is_editable:
        raise ValidationError(_("Only a draft quote that was not reviewed can be changed."))
    return locked


def _refresh_totals(quote: Quote):
    quote.recalculate()
    Quote.objects.filter(pk=quote.pk).update(
        subtotal=quote.subtotal,
        discount_total=quote.discount_total,
        tax_total=quote.tax_total,
        total=quote.total,
        updated_at=timezone.now(),
    )


def _next_version(opportunity: Opportunity) -> int:
    last = opportunity.quotes.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def quote_create(
    *,
    opportunity: Opportunity,
    user: User,
    valid_until=None,
    currency=None,
    notes="",
    lines=(),
    custom: dict | None = None,
) -> Quote:
    _check_quote_writer(user, opportunity)
    require_visible(user, opportunity=opportunity)
    if not opportunity.is_open:
        raise ValidationError(_("Quotes are made for open opportunities only."))
    Opportunity.objects.select_for_update().get(pk=opportunity.pk)  # serialise version numbers
    quote = Quote(
        opportunity=opportunity,
        version=_next_version(opportunity),
        currency=currency or opportunity.currency,
        notes=notes,
        created_by=user,
    )
    if valid_until is not None:
        quote.valid_until = valid_until
    if custom is not None:
        apply_values(quote, custom, user=user, partial=False)
    quote.full_clean()
    quote.save()
    for line in lines:
        quote_line_add(quote=quote, user=user, **line)
    quote.refresh_from_db()
    return quote


@transaction.atomic
def quote_update(
    *, quote: Quote, user: User, custom: dict | None = None, **fields: Unpack[QuoteFields]
) -> Quote:
    """The commercial terms (validity, notes, currency) change on an editable draft only; the
    custom fields also while the quote is in review, approved or sent (Quote.custom_editable).
    A term given with its current value is no change."""
    _check_quote_writer(user, quote.opportunity)
    locked = Quote.objects.select_for_update().select_related("opportunity").get(pk=quote.pk)
    terms = {
        key: fields[key]
        for key in ("valid_until", "notes", "currency")
        if key in fields and fields[key] != getattr(locked, key)
    }
    if terms and not locked.is_editable:
        raise ValidationError(_("Only a draft quote that was not reviewed can be changed."))
    if custom is not None and not locked.custom_editable:
        raise ValidationError(
            _(
                "The custom fields of an accepted, declined, expired or superseded quote stay "
                "as they are."
            )
        )
    for key in ("valid_until", "notes"):
        if key in terms:
            setattr(locked, key, terms[key])
    if "currency" in terms:
        if locked.lines.exists():
            raise ValidationError({"currency": _("Remove the lines before changing currency.")})
        locked.currency = terms["currency"]
    if custom is not None:
        apply_values(locked, custom, user=user)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def quote_revise(*, quote: Quote, user: User) -> Quote:
    """A rejected, declined or expired quote becomes a new draft version with the same lines;
    the old version stays as it was, readable and marked superseded."""
    _check_quote_writer(user, quote.opportunity)
    Opportunity.objects.select_for_update().get(pk=quote.opportunity_id)
    old = Quote.objects.select_for_update().get(pk=quote.pk)
    if not old.can_revise:
        raise ValidationError(
            _("Only a rejected, declined or expired quote that is the latest version is revised.")
        )
    if not old.opportunity.is_open:
        raise ValidationError(_("Quotes are made for open opportunities only."))
    new = Quote.objects.create(
        opportunity=old.opportunity,
        version=_next_version(old.opportunity),
        revised_from=old,
        currency=old.currency,
        notes=old.notes,
        custom=dict(old.custom or {}),
        created_by=user,
    )
    QuoteLine.objects.bulk_create(
        [
            QuoteLine(
                quote=new,
                position=line.position,
                product_id=line.product_id,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_pct=line.discount_pct,
                tax_rate=line.tax_rate,
                gross=line.gross,
                discount_amount=line.discount_amount,
                tax_amount=line.tax_amount,
                total=line.total,
            )
            for line in old.lines.all()
        ]
    )
    _refresh_totals(new)
    Quote.objects.filter(pk=old.pk).update(superseded=True)
    new.refresh_from_db()
    return new


COMPUTED = ["quote", "gross", "discount_amount", "tax_amount", "total"]
MAX_AMOUNT = Decimal("1000000000000")  # what a MoneyField (14 digits, 2 places) holds


def _save_line(line: QuoteLine):
    # Validate what the client sent, then compute the amounts (never the client's).
    line.full_clean(exclude=COMPUTED)
    line.compute()
    if line.gross >= MAX_AMOUNT:
        raise ValidationError({"quantity": _("Quantity × unit price is too large.")})
    line.save()


@transaction.atomic
def quote_line_add(
    *,
    quote: Quote,
    user: User,
    product,
    quantity,
    unit_price=None,
    discount_pct=Decimal("0"),
    tax_rate=None,
    description="",
) -> QuoteLine:
    _check_quote_writer(user, quote.opportunity)
    require_visible(user, quote=quote, product=product)
    quote = _lock_editable(quote)
    last = quote.lines.order_by("-position").values_list("position", flat=True).first()
    line = QuoteLine(
        quote=quote,
        position=(last or 0) + 1,
        product=product,
        description=description or product.name,
        quantity=quantity,
        unit_price=product.price if unit_price is None else unit_price,
        discount_pct=discount_pct if discount_pct is not None else Decimal("0"),
        tax_rate=product.tax_rate if tax_rate is None else tax_rate,
    )
    _save_line(line)
    _refresh_totals(quote)
    return line


@transaction.atomic
def quote_line_update(
    *, line: QuoteLine, user: User, **fields: Unpack[QuoteLineFields]
) -> QuoteLine:
    _check_quote_writer(user, line.quote.opportunity)
    quote = _lock_editable(line.quote)
    line = QuoteLine.objects.select_related("quote", "product").get(pk=line.pk)
    product_changed = "product" in fields and fields["product"] != line.product
    for key, value in fields.items():
        if key in LINE_FIELDS and value is not None:
            setattr(line, key, value)
    if product_changed and "unit_price" not in fields:
        line.unit_price = line.product.price
    _save_line(line)
    _refresh_totals(quote)
    return line


@transaction.atomic
def quote_line_remove(*, line: QuoteLine, user: User) -> None:
    _check_quote_writer(user, line.quote.opportunity)
    quote = _lock_editable(line.quote)
    line.delete()
    _refresh_totals(quote)


def _notify_signers(quote: Quote):
    """Tell each role whose sign-off is still missing (once per quote and role)."""
    for role in quote.missing_sign_offs():
        for person in users_with_role(role):
            notify(
                recipient=person,
                key=f"quote-sign-off:{quote.pk}:{role}",
                title=Message(
                    gettext_noop("Quote %(quote)s needs your sign-off (discount above policy)"),
                    quote=quote,
                ),
                url=quote.get_absolute_url(),
            )


def quote_submit(*, obj: Quote, user: User, data=None) -> Quote:
    """draft → pending_approval; a quote whose every discount is within policy goes straight on
    to approved in the same transaction (logged as an approval on submission)."""
    with transaction.atomic():
        quote = perform_transition(obj=obj, name="submit", user=user, data=data)
        if not quote.required_sign_offs():
            quote = perform_transition(
                obj=quote,
                name="approve",
                user=user,
                system=True,
                data={"comment": _("Within the discount policy: approved on submission.")},
                effect=_follow_quote,
            )
        else:
            _notify_signers(quote)
    return quote


def _sign(*, obj: Quote, user: User, data, role: str, name: str) -> Quote:
    """Record `role`'s sign-off on a pending quote through the sign-off gate; the quote is
    approved when every required sign-off is in, whatever their order."""
    return sign_off(
        obj=obj,
        name=name,
        role=role,
        user=user,
        data=data,
        not_needed=_("This quote does not need a %(role)s sign-off."),
        on_approve=_follow_quote,
    )


def quote_approve(*, obj: Quote, user: User, data=None) -> Quote:
    """The manager's sign-off; approves the quote if no other sign-off is missing."""
    return _sign(obj=obj, user=user, data=data, role=SignOffRole.MANAGER, name="approve")


def quote_sign_off(*, obj: Quote, user: User, data=None) -> Quote:
    """Finance's sign-off (a self-loop on pending_approval); approves the quote if the
    manager has already signed."""
    return _sign(obj=obj, user=user, data=data, role=SignOffRole.FINANCE, name="sign_off")


def quote_send(*, obj: Quote, user: User, data=None) -> Quote:
    """approved → sent; the PDF is emailed to the opportunity's contact through the outbox."""

    def mail(locked: Quote, fields):
        from .documents import email_quote

        email_quote(Quote.objects.select_related("opportunity__contact").get(pk=locked.pk))

    return perform_transition(obj=obj, name="send", user=user, data=data, effect=mail)


def quote_accept(*, obj: Quote, user: User, data=None) -> Quote:
    """sent → accepted (the customer's yes); the opportunity's amount becomes this quote's
    total in the same transaction. The win stays the salesperson's own step: the quote page
    and the API answer offer it (quote_next_step)."""
    return perform_transition(obj=obj, name="accept", user=user, data=data, effect=_follow_quote)


def quote_reject(*, obj: Quote, user: User, data=None) -> Quote:
    """pending_approval → draft with a reason, recorded as the manager's rejection."""

    def record(quote: Quote, fields):
        record_rejection(
            record=quote, role=SignOffRole.MANAGER, user=user, reason=fields.get("reason", "")
        )

    return perform_transition(obj=obj, name="reject", user=user, data=data, effect=record)


def expire_quotes(*, today=None) -> int:
    """Sent quotes past valid_until → expired (the system transition). Idempotent: an expired
    quote is no longer `sent`, so a second run does nothing."""
    today = today or timezone.localdate()
    expired = 0
    due = Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        quote = Quote.objects.get(pk=pk)
        try:
            perform_transition(obj=quote, name="expire", user=None, system=True)
        except (TransitionNotAllowed, ConcurrentTransition, ValidationError):
            continue  # answered or changed meanwhile
        expired += 1
    return expired


# --- lost reasons: a list a manager edits (retire rather than delete) ----------------------------
@transaction.atomic
def lost_reason_save(
    *, user: User, reason: LostReason | None = None, name: str, position: int, active: bool = True
) -> LostReason:
    """Add a lost reason, or rename, reorder, retire or restore one. A retired reason is no
    longer offered when a deal is lost; the deals lost for it keep it and show it."""
    require(user, "opportunities.lost_reasons")
    reason = (
        LostReason() if reason is None else LostReason.objects.select_for_update().get(pk=reason.pk)
    )
    reason.name, reason.position, reason.active = name.strip(), position, active
    reason.full_clean()
    reason.save()
    return reason
