"""The transition machinery every stage shares.

A model declares each transition with `@transition(..., permission=RolePermission(...),
custom={"label": ..., "form": "app.forms.SomeForm"})`. A transition runs in two steps:

- `check_transition`: role (403), state (409), rule fields (400) on the record as read;
  nothing is written.
- `apply_transition` / `apply_locked`: lock the row (409 if its state moved), re-check while
  holding the lock, run the transition method (which may raise ValidationError for a rule),
  save with the concurrency guard, the cross-model effect, a log row and the `transitioned`
  signal, all in one transaction.

`run()` is the single entry of views, API, admin and Celery: it calls the transition service
a stage declares for (model, name) (see ltc/wiring.py), else `perform_transition`, which is
the check followed by the apply. Nothing else writes a state field or a TransitionLog row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_fsm import (
    ConcurrentTransition,
    ConcurrentTransitionMixin,
    FSMFieldMixin,
    TransitionNotAllowed,
)

from .models import TransitionLog

# Sent inside the transaction after every transition: sender=model class, instance, name,
# source, target, user, data. Webhooks and hand-offs listen to it.
transitioned = Signal()

__all__ = [
    "Checked",
    "ConcurrentTransition",
    "apply_locked",
    "apply_transition",
    "check_transition",
    "lock",
    "record_transition",
    "TransitionNotAllowed",
    "UnknownTransition",
    "perform_transition",
    "run",
    "transitions_for",
    "state_field",
    "transition_specs",
]


class UnknownTransition(LookupError):
    pass


class NoFields(forms.Form):
    comment = forms.CharField(label="", required=False, widget=forms.HiddenInput)


@dataclass(frozen=True)
class TransitionSpec:
    """What a model declares about one transition, read off its @transition decorators."""

    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    permission: Callable[[Any, Any], bool]
    form_path: str | None

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(getattr(self.permission, "roles", ()))

    @property
    def owner_only(self) -> bool:
        return bool(getattr(self.permission, "owner_field", None))

    def target_from(self, state: str) -> str | None:
        for source, target in zip(self.sources, self.targets, strict=True):
            if source in (state, "*") or (source == "+" and target != state):
                return target
        return None

    def form_class(self) -> type[forms.Form]:
        return import_string(self.form_path) if self.form_path else NoFields


def state_field(model) -> FSMFieldMixin:
    for field in model._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            return field
    raise TypeError(f"{model.__name__} has no FSM field")


def transition_specs(model) -> list[TransitionSpec]:
    """Every transition of a model, in declaration order."""
    cached = model.__dict__.get("_ltc_transition_specs")
    if cached is not None:
        return cached
    field = state_field(model)
    grouped: dict[str, list] = {}
    for t in field.get_all_transitions(model):
        grouped.setdefault(t.name, []).append(t)
    specs = []
    for name, ts in grouped.items():
        first = ts[0]
        specs.append(
            TransitionSpec(
                name=name,
                label=first.custom.get("label")
                or name.replace("_", " "),  # lazy: per request language
                sources=tuple(t.source for t in ts),
                targets=tuple(t.target for t in ts),
                permission=first.permission,
                form_path=first.custom.get("form"),
            )
        )
    order = {name: i for i, name in enumerate(vars(model))}
    specs.sort(key=lambda s: order.get(s.name, 0))
    model._ltc_transition_specs = specs
    return specs


def get_spec(model, name: str) -> TransitionSpec:
    try:
        specs = transition_specs(model)
    except TypeError as exc:  # a model without a state machine has no transitions
        raise UnknownTransition(name) from exc
    for spec in specs:
        if spec.name == name:
            return spec
    raise UnknownTransition(name)


def role_allows(spec: TransitionSpec, obj, user) -> bool:
    return user is not None and bool(spec.permission(obj, user))


def refusal(spec: TransitionSpec, obj, user) -> str:
    """Why `user` may not run `spec` on `obj`: the role, or (for an owner-only transition)
    not owning the record."""
    from roles.permissions import has_role

    if spec.owner_only and has_role(user, *spec.roles):
        message = _("You may not run “%(name)s”: only the record's owner may.")
        return message % {"name": spec.label}
    return _("Your role may not run “%(name)s”.") % {"name": spec.label}


def transitions_for(obj, user) -> list[dict]:
    """Each transition with its target from the current state and whether `user` may run it
    now (role and state)."""
    state = getattr(obj, state_field(type(obj)).name)
    rows = []
    for spec in transition_specs(type(obj)):
        target = spec.target_from(state)
        allowed = target is not None and role_allows(spec, obj, user)
        rows.append(
            {
                "name": spec.name,
                "label": spec.label,
                "target": target or spec.targets[0],
                "allowed": allowed and not step_closed(obj, spec.name),
                "spec": spec,
            }
        )
    return rows


def _holder(record) -> str:
    """Who holds the record now: its owner or assignee, else the role it waits on."""
    from roles.models import Role

    for attr in ("owner", "assignee"):
        person = getattr(record, attr, None)
        if person is not None:
            return person.get_full_name() or person.get_username()
    role = getattr(record, "assigned_role", "")
    return str(Role(role).label) if role in Role.values else ""


def done_message(record, name: str, source: str) -> str:
    """What a transition just did, in words: the record, its new state and who holds it now
    ("Lead “Liu Yang” qualified: now Qualified; assigned to Wei Zhang"). A step that leaves
    the state as it was (a partial sign-off) says it was recorded and what is still awaited."""
    spec = get_spec(type(record), name)
    state_name = state_field(type(record)).name
    params = {
        "model": capfirst(str(type(record)._meta.verbose_name)),
        "record": str(record),
        "action": spec.label,
        "state": getattr(record, f"get_{state_name}_display")(),
    }
    if getattr(record, state_name) == source:
        message = _("%(action)s recorded; %(model)s “%(record)s” stays %(state)s.") % params
        missing_of = getattr(record, "missing_sign_offs", None)
        missing = missing_of() if missing_of is not None else []
        if missing:
            from .signoffs import SignOffRole

            roles = ", ".join(str(SignOffRole(r).label) for r in missing)
            message += " " + _("Still waiting for: %(roles)s.") % {"roles": roles}
        return message
    message = _("%(model)s “%(record)s”: %(action)s done, now %(state)s.") % params
    holder = _holder(record)
    if holder:
        message += " " + _("Assigned to %(holder)s.") % {"holder": holder}
    return message


def validate_fields(spec: TransitionSpec, data, user=None) -> dict:
    from .forms import VisibleChoicesMixin

    # Uploaded files travel in the same mapping as the fields (the browser view merges
    # request.FILES in; DRF's request.data already holds them), so a FileField finds them.
    data = data or {}
    form_class = spec.form_class()
    kwargs: dict[str, Any] = {"data": data, "files": data}
    if issubclass(form_class, VisibleChoicesMixin):
        kwargs["user"] = user  # its record choices are limited to what the user may see
    form = form_class(**kwargs)
    if not form.is_valid():
        raise ValidationError(
            {
                field: [e["message"] for e in errs]
                for field, errs in form.errors.get_json_data().items()
            }
        )
    return form.cleaned_data


# (model, transition) -> the service that runs it when it does more than the generic path
# (cross-model effects, hand-offs). Filled from the stages' AppConfig declarations
# (ltc/wiring.py); browser, API, admin and Celery all dispatch through `run`.
SERVICES: dict[tuple[type, str], Callable[..., Any]] = {}

# Checks a person's transition must also pass, `check(*, obj, name, user)` raising
# ValidationError (400): e.g. the custom fields a step needs (customfields). Filled from the
# apps' declarations (ltc/wiring.py `transition_checks`).
CHECKS: list[Callable[..., None]] = []


def run(*, obj, name: str, user, data=None):
    """The one entry for running a transition: the stage's declared service, else the
    generic check and apply."""
    service = SERVICES.get((type(obj), name))
    if service is not None:
        return service(obj=obj, user=user, data=data)
    return perform_transition(obj=obj, name=name, user=user, data=data)


def step_closed(obj, name: str) -> str:
    """Why the record itself closes step `name` to users although role and state allow it
    (e.g. a signer who already signed off, ltc.signoffs.SignOffSteps); "" when open."""
    hook = getattr(obj, "step_closed", None)
    return hook(name) if hook is not None else ""


def _check_open(spec: TransitionSpec, obj) -> None:
    reason = step_closed(obj, spec.name)
    if reason:
        raise ValidationError(reason)


def _check_source(spec: TransitionSpec, obj, state_name: str):
    if spec.target_from(getattr(obj, state_name)) is None:
        raise TransitionNotAllowed(
            _("“%(name)s” is not possible from %(state)s.")
            % {"name": spec.label, "state": getattr(obj, f"get_{state_name}_display")()}
        )


@dataclass(frozen=True)
class Checked:
    """A transition that passed its checks on the record as read (no lock, nothing written):
    what `apply_transition` needs to run it."""

    spec: TransitionSpec
    state_name: str
    source: str
    fields: dict
    user: object
    system: bool

    @property
    def name(self) -> str:
        return self.spec.name


def check_transition(*, obj, name: str, user, data=None, system: bool = False) -> Checked:
    """Whether `user` (or the system) may run `name` on `obj` as read: role (PermissionDenied),
    state (TransitionNotAllowed), fields (ValidationError), in that order. Writes nothing."""
    model = type(obj)
    spec = get_spec(model, name)
    if not system and not role_allows(spec, obj, user):
        raise PermissionDenied(refusal(spec, obj, user))
    state_name = state_field(model).name
    # A transition that cannot start from this state is refused as such (409), before any
    # complaint about its fields (400).
    _check_source(spec, obj, state_name)
    if not system:
        _check_open(spec, obj)
    fields = validate_fields(spec, data, user=user)
    if not system:
        for check in CHECKS:
            check(obj=obj, name=name, user=user)
    return Checked(
        spec=spec,
        state_name=state_name,
        source=getattr(obj, state_name),
        fields=fields,
        user=user,
        system=system,
    )


def lock(obj, *, related=()):
    """The row of `obj`, locked until the end of the caller's transaction; refused (409) when
    its state moved since `obj` was read."""
    model = type(obj)
    state_name = state_field(model).name
    query = model._default_manager.select_for_update()
    if related:
        query = query.select_related(*related)
    locked = query.get(pk=obj.pk)
    if getattr(locked, state_name) != getattr(obj, state_name):
        raise ConcurrentTransition(_("The record was changed by someone else; reload it."))
    return locked


def recheck(checked: Checked, locked) -> None:
    """The role and state checks again, on the locked row (they may depend on what changed)."""
    if not checked.system and not role_allows(checked.spec, locked, checked.user):
        raise PermissionDenied(refusal(checked.spec, locked, checked.user))
    _check_source(checked.spec, locked, checked.state_name)
    if not checked.system:
        _check_open(checked.spec, locked)


def record_transition(*, locked, name: str, source: str, user, comment: str = "", data=None):
    """The log row and the `transitioned` signal of a transition that ran on `locked` (also
    of a self-loop such as a partial sign-off). Call while holding the row lock."""
    model = type(locked)
    target = getattr(locked, state_field(model).name)
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=locked.pk,
        transition=name,
        source=source,
        target=target,
        by=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )
    transitioned.send(
        sender=model,
        instance=locked,
        name=name,
        source=source,
        target=target,
        user=user,
        data=data or {},
    )


def apply_locked(checked: Checked, locked, *, effect=None):
    """Run a checked transition on `locked`. Call while holding the row lock (inside the
    transaction of `lock`): re-check, the transition method, save, `effect`, log, signal."""
    recheck(checked, locked)
    source = getattr(locked, checked.state_name)
    fields = dict(checked.fields)
    comment = fields.pop("comment", "") or fields.get("reason", "")
    getattr(locked, checked.name)(by=checked.user, **fields)
    locked.save()
    if effect is not None:
        effect(locked, fields)
    record_transition(
        locked=locked,
        name=checked.name,
        source=source,
        user=checked.user,
        comment=comment,
        data=fields,
    )
    return locked


def apply_transition(checked: Checked, obj, *, effect=None):
    """Lock the row of `obj`, re-check while holding the lock, and run the transition, in
    one transaction. Returns the saved, locked instance."""
    with transaction.atomic():
        return apply_locked(checked, lock(obj), effect=effect)


def perform_transition(*, obj, name: str, user, data=None, system: bool = False, effect=None):
    """Run transition `name` on `obj` as `user` (or as the system, for Celery): the check,
    then the apply.

    `effect(locked, fields)` runs after the state change, inside the same transaction: the
    place for cross-model work such as creating the records a hand-off produces.

    Raises PermissionDenied (403), TransitionNotAllowed / ConcurrentTransition (409),
    ValidationError (400), UnknownTransition (404). Returns the saved, locked instance.
    """
    checked = check_transition(obj=obj, name=name, user=user, data=data, system=system)
    return apply_transition(checked, obj, effect=effect)


class StateMachineModel(ConcurrentTransitionMixin, models.Model):
    """Base for every model with a state machine: the concurrency guard, and validation that
    leaves the protected state field alone (only transitions change it)."""

    class Meta:
        abstract = True

    @property
    def state_fields(self):
        # The mixin filters every field of the model for each instance it builds; a list
        # page builds dozens, so the class's state fields are found once and kept.
        cls = type(self)
        found = cls.__dict__.get("_state_fields")
        if found is None:
            found = tuple(f for f in cls._meta.fields if isinstance(f, FSMFieldMixin))
            cls._state_fields = found
        return found

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        exclude.update(f.name for f in self._meta.concrete_fields if isinstance(f, FSMFieldMixin))
        super().clean_fields(exclude=exclude)
