"""Gates with several sign-offs (DESIGN.md): a record moves on only when every required role
has signed off, each sign-off recorded with who and when. Quotes and contracts share this.

The record's model provides `required_sign_offs()`, `missing_sign_offs()`, a `sign_offs`
relation to a concrete subclass of `SignOff`, and optionally `sign_off_scope()` (extra
fields of a sign-off row, e.g. the contract's review round). `sign_off` is the one service
that records a sign-off through the transition engine.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .transitions import apply_locked, check_transition, lock, recheck, record_transition


class SignOffRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    FINANCE = "finance", _("Finance")


class SignOffDecision(models.TextChoices):
    APPROVED = "approved", _("Signed off")
    REJECTED = "rejected", _("Rejected")


class SignOff(models.Model):
    """One sign-off (or a rejection) on a gated record: who, in which role, when. A concrete
    subclass adds the foreign key to its record (related_name="sign_offs")."""

    role = models.CharField(_("role"), max_length=20, choices=SignOffRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=SignOffDecision.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class SignOffSteps:
    """For a record with a sign-off gate: `sign_off_steps` names each transition that is a
    role's sign-off decision (approve, reject, a self-loop sign-off) and that role. Once the
    role has signed off in this round, or when the record does not need it, those steps are
    closed (`ltc.transitions` hides and refuses them): a signer decides once."""

    sign_off_steps: dict[str, str] = {}

    def step_closed(self, name: str) -> str:
        role = self.sign_off_steps.get(name)
        if role is None:
            return ""
        label = SignOffRole(role).label
        if role not in self.required_sign_offs():  # type: ignore[attr-defined]
            return gettext("No %(role)s sign-off is needed here.") % {"role": label}
        if role not in self.missing_sign_offs():  # type: ignore[attr-defined]
            return gettext("The %(role)s sign-off is already recorded.") % {"role": label}
        return ""


def missing_sign_offs(required, done) -> list[str]:
    """The required roles, in order, that have not signed off yet."""
    done = set(done)
    return [role for role in required if role not in done]


def ensure_signed_off(missing, role_choices=SignOffRole) -> None:
    """Refuse (400) while sign-offs are missing, naming the roles still to sign."""
    if missing:
        raise ValidationError(
            _("Sign-offs still missing: %(roles)s")
            % {"roles": ", ".join(str(role_choices(r).label) for r in missing)}
        )


def _scope(record) -> dict:
    scope = getattr(record, "sign_off_scope", None)
    return scope() if scope is not None else {}


def record_rejection(*, record, role: str, user, reason: str = ""):
    """The rejection row of `role` (inside the reject transition's effect)."""
    return record.sign_offs.create(
        role=role,
        user=user,
        decision=SignOffDecision.REJECTED,
        comment=reason,
        **_scope(record),
    )


def sign_off(
    *,
    obj,
    name: str,
    role: str,
    user,
    data=None,
    not_needed: str,
    approve: str = "approve",
    related=(),
    prepare: Callable | None = None,
    on_partial: Callable | None = None,
    on_approve: Callable | None = None,
):
    """Record `role`'s sign-off on `obj` through transition `name` (its role, state and
    fields are checked like any transition); when it was the last required sign-off, run
    `approve` (as the system, by `user`) while holding the same row lock. Otherwise the
    sign-off is logged as the self-loop `name` and `transitioned` is sent, so webhooks and
    the history see partial sign-offs too.

    `not_needed` is the refusal (with %(role)s) when the record does not need this role.
    `prepare(locked)` runs first under the lock (e.g. the credit check again) and returns a
    value handed to `on_partial(locked, value)` when the record still waits for others.
    `on_approve(locked, fields)` is the approval's effect, in the same transaction.
    """
    checked = check_transition(obj=obj, name=name, user=user, data=data)
    comment = checked.fields.get("comment", "")
    label = SignOffRole(role).label
    with transaction.atomic():
        locked = lock(obj, related=related)
        recheck(checked, locked)
        prepared = prepare(locked) if prepare is not None else None
        if role not in locked.required_sign_offs():
            raise ValidationError(not_needed % {"role": label})
        try:
            with transaction.atomic():
                locked.sign_offs.create(
                    role=role,
                    user=user,
                    decision=SignOffDecision.APPROVED,
                    comment=comment,
                    **_scope(locked),
                )
        except IntegrityError as exc:
            raise ValidationError(
                gettext("The %(role)s sign-off is already recorded.") % {"role": label}
            ) from exc
        missing = locked.missing_sign_offs()
        if not missing:
            approval = check_transition(
                obj=locked, name=approve, user=user, data={"comment": comment}, system=True
            )
            return apply_locked(approval, locked, effect=on_approve)
        if on_partial is not None:
            on_partial(locked, prepared)
        record_transition(
            locked=locked,
            name=name,
            source=checked.source,
            user=user,
            comment=comment
            or gettext("%(role)s signed off; waiting for: %(missing)s")
            % {"role": label, "missing": ", ".join(str(SignOffRole(r).label) for r in missing)},
            data={k: v for k, v in checked.fields.items() if k != "comment"},
        )
        return locked
