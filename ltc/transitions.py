"""The transition machinery every stage shares.

A model declares each transition with `@transition(..., permission=RolePermission(...),
custom={"label": ..., "form": "app.forms.SomeForm"})`. `perform_transition` is the one path
that runs a transition: role check (403), state check (409), rule fields (400), the
transition method itself (which may raise ValidationError for a rule), save with the
concurrency guard, a log row, and the `transitioned` signal, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.module_loading import import_string
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
    "ConcurrentTransition",
    "TransitionNotAllowed",
    "UnknownTransition",
    "perform_transition",
    "run",
    "transition_service",
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
    permission: object
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
        rows.append(
            {
                "name": spec.name,
                "label": spec.label,
                "target": target or spec.targets[0],
                "allowed": target is not None and role_allows(spec, obj, user),
                "spec": spec,
            }
        )
    return rows


def validate_fields(spec: TransitionSpec, data, user=None) -> dict:
    from .forms import VisibleChoicesMixin

    form_class = spec.form_class()
    if issubclass(form_class, VisibleChoicesMixin):
        form = form_class(data=data or {}, user=user)
    else:
        form = form_class(data=data or {})
    if not form.is_valid():
        raise ValidationError(
            {
                field: [e["message"] for e in errs]
                for field, errs in form.errors.get_json_data().items()
            }
        )
    return form.cleaned_data


SERVICES: dict[tuple[type, str], object] = {}


def transition_service(model, name: str):
    """Register the service that runs `name` on `model` when it does more than the generic
    path (cross-model effects); browser, API and Celery all dispatch through `run`."""

    def register(func):
        SERVICES[(model, name)] = func
        return func

    return register


def run(*, obj, name: str, user, data=None):
    service = SERVICES.get((type(obj), name))
    if service is not None:
        return service(obj=obj, user=user, data=data)
    return perform_transition(obj=obj, name=name, user=user, data=data)


def _check_source(spec: TransitionSpec, obj, state_name: str):
    if spec.target_from(getattr(obj, state_name)) is None:
        raise TransitionNotAllowed(
            _("“%(name)s” is not possible from %(state)s.")
            % {"name": spec.label, "state": getattr(obj, f"get_{state_name}_display")()}
        )


def perform_transition(*, obj, name: str, user, data=None, system: bool = False, effect=None):
    """Run transition `name` on `obj` as `user` (or as the system, for Celery).

    `effect(locked, fields)` runs after the state change, inside the same transaction: the
    place for cross-model work such as creating the records a hand-off produces.

    Raises PermissionDenied (403), TransitionNotAllowed / ConcurrentTransition (409),
    ValidationError (400), UnknownTransition (404). Returns the saved, locked instance.
    """
    model = type(obj)
    spec = get_spec(model, name)
    if not system and not role_allows(spec, obj, user):
        raise PermissionDenied(refusal(spec, obj, user))
    state_name = state_field(model).name
    # A transition that cannot start from this state is refused as such (409), before any
    # complaint about its fields (400).
    _check_source(spec, obj, state_name)
    fields = validate_fields(spec, data, user=user)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        if getattr(locked, state_name) != getattr(obj, state_name):
            raise ConcurrentTransition(_("The record was changed by someone else; reload it."))
        if not system and not role_allows(spec, locked, user):
            raise PermissionDenied(refusal(spec, locked, user))
        source = getattr(locked, state_name)
        _check_source(spec, locked, state_name)
        comment = fields.pop("comment", "") or fields.get("reason", "")
        getattr(locked, name)(by=user, **fields)
        locked.save()
        if effect is not None:
            effect(locked, fields)
        target = getattr(locked, state_name)
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
            data=fields,
        )
    return locked


class StateMachineModel(ConcurrentTransitionMixin, models.Model):
    """Base for every model with a state machine: the concurrency guard, and validation that
    leaves the protected state field alone (only transitions change it)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        exclude.update(f.name for f in self._meta.concrete_fields if isinstance(f, FSMFieldMixin))
        super().clean_fields(exclude=exclude)
