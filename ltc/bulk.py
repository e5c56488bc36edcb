"""Bulk actions on the rows selected in a list: assign owner, add to team, run a transition,
tag, export the selection.

Each list that offers them declares a `BulkList` (in `<app>/bulk.py`): its role-aware
queryset (the list's own selector) and, where the stage has one, the service that assigns an
owner or a team member to ONE record. `run_bulk` then treats every selected id on its own:

- the record is looked up through the caller's visible queryset; an id the caller cannot see
  is refused for that id ("not found or not yours"), never acted on;
- a transition goes through `ltc.transitions.run`, exactly as a single record from its page
  or the API: role, state and rule fields are checked for each record, each in its own
  transaction, so a refused record is left untouched while the others go through;
- an owner or team member must be one the caller may pick (the same people the record's own
  form offers); the stage's service checks role and rules again per record;
- a transition's own fields (a reason, a date, ...) are the same for every record: they are
  checked once, first, so a missing or bad field refuses the whole request with the field's
  error and changes nothing;
- a tag is a shared `ltc.models.Tag` put on a record the caller may see and, where the list
  says so (`tag_allowed`), may change: checked per record.

`BulkList.offer(user)` says which of these the caller's role may use: the bulk bar shows
only those, and no bar (nor row checkboxes) when there is none.

The answer lists one `Result` per id (ok, status as the single-record API would answer,
message), in the order given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles.models import SYSTEM
from roles.permissions import has_role

from .errors import REFUSALS, error_lines, status_for
from .models import Tag, TaggedRecord
from .transitions import (
    TransitionSpec,
    UnknownTransition,
    get_spec,
    run,
    transition_specs,
    validate_fields,
)

MAX_IDS = 500
_MODELS: dict[Any, Any] = {}  # a list's selector -> the model it lists (BulkList.model)
ACTIONS = ("transition", "assign_owner", "add_to_team", "tag")


@dataclass(frozen=True)
class BulkList:
    """What a list offers in bulk.

    queryset(user): the records the caller may see (the list's selector);
    assign_owner(obj=, owner=, user=): the stage's one-record owner service;
    owner_choices(user): the people the caller may give records to;
    add_to_team(obj=, member=, user=): the one-record team service;
    team_choices(user): the people the caller may add to a record's team;
    may_tag(user, record): whether the caller may tag `record` (None: may tag some record of
    the list, the bar's question); unset: anyone who sees a record may tag it.
    """

    name: str
    label: Any
    queryset: Callable[[Any], Any]
    assign_owner: Callable[..., Any] | None = None
    owner_choices: Callable[[Any], Any] | None = None
    add_to_team: Callable[..., Any] | None = None
    team_choices: Callable[[Any], Any] | None = None
    transitions: bool = True
    tags: bool = True
    export: str | None = None  # the `ltc.exports` name of the selection's export
    tag_allowed: Callable[[Any, Any], bool] | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def model(self, user):
        """The listed model, the same for every user: read from the selector once (building
        a user's visibility rules only to learn it costs a list page several querysets)."""
        found = _MODELS.get(self.queryset)
        if found is None:
            found = _MODELS[self.queryset] = self.queryset(user).model
        return found

    def actions(self) -> list[str]:
        names = []
        if self.assign_owner:
            names.append("assign_owner")
        if self.add_to_team:
            names.append("add_to_team")
        if self.transitions:
            names.append("transition")
        if self.tags:
            names.append("tag")
        return names

    def transition_choices(self, model) -> list[tuple[str, str]]:
        if not self.transitions:
            return []
        try:
            return [(s.name, str(s.label)) for s in transition_specs(model)]
        except TypeError:  # a model without a state machine
            return []

    def offered_transitions(self, user) -> list[TransitionSpec]:
        """The transitions the caller's role may run (on some record of the list); those
        only the system runs are never offered. Each record is still checked on its own."""
        if not self.transitions:
            return []
        try:
            specs = transition_specs(self.model(user))
        except TypeError:
            return []
        people = [s for s in specs if set(s.roles) - {SYSTEM}]
        if user.is_superuser:
            return people
        return [s for s in people if has_role(user, *s.roles)]

    def may_tag(self, user, record=None) -> bool:
        return self.tags and (self.tag_allowed is None or bool(self.tag_allowed(user, record)))

    def may_export(self, user) -> bool:
        if not self.export:
            return False
        from .exports import registry as exports

        export = exports().get(self.export)
        return export is not None and export.allowed(user)

    def offer(self, user) -> dict:
        """What the bulk bar offers `user`: the people they may assign or add, the
        transitions their role may run, tagging, exporting; `any` is False when nothing."""
        owners = list(self.owner_choices(user)) if self.assign_owner and self.owner_choices else []
        members = list(self.team_choices(user)) if self.add_to_team and self.team_choices else []
        transitions = self.offered_transitions(user)
        offer = {
            "owners": owners,
            "members": members,
            "transitions": [(s.name, str(s.label)) for s in transitions],
            "tags": self.may_tag(user),
            "export": self.may_export(user),
        }
        offer["any"] = any(offer.values())
        return offer


@dataclass(frozen=True)
class Result:
    id: int
    ok: bool
    status: int
    message: str

    def as_dict(self) -> dict:
        return {"id": self.id, "ok": self.ok, "status": self.status, "message": self.message}


_REGISTRY: dict[str, BulkList] = {}


def register(spec: BulkList) -> BulkList:
    _REGISTRY[spec.name] = spec
    return spec


def registry() -> dict[str, BulkList]:
    from ltc.discovery import discover

    discover("bulk")
    return dict(_REGISTRY)


def get(name: str) -> BulkList | None:
    return registry().get(name)


def parse_ids(raw) -> list[int]:
    """The selected ids, in order, without repeats; at most MAX_IDS (400 beyond)."""
    values = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    ids: list[int] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        if not text.isdigit() or len(text) > 18:  # a database integer, never beyond
            raise ValidationError({"ids": [_("Ids are whole numbers.")]})
        if int(text) not in ids:
            ids.append(int(text))
    if not ids:
        raise ValidationError({"ids": [_("Select at least one record.")]})
    if len(ids) > MAX_IDS:
        raise ValidationError(
            {"ids": [_("Select at most %(n)s records at a time.") % {"n": MAX_IDS}]}
        )
    return ids


def _person(choices, raw, field_name: str):
    """The chosen person, among those the caller may pick; a field error otherwise."""
    if choices is None:
        raise ValidationError({"action": [_("This list has no such bulk action.")]})
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({field_name: [_("Choose a person.")]}) from None
    person = choices.filter(pk=pk).first()
    if person is None:
        raise ValidationError({field_name: [_("Choose one of the people offered.")]})
    return person


def _tag_name(raw) -> str:
    name = str(raw or "").strip()
    if not name or len(name) > 50:
        raise ValidationError({"tag": [_("A tag is 1 to 50 characters.")]})
    return name


def _one(record_id: int, do) -> Result:
    try:
        do()
    except REFUSALS as exc:
        return Result(record_id, False, status_for(exc) or 400, " ".join(error_lines(exc)))
    return Result(record_id, True, 200, _("Done."))


def run_bulk(*, spec: BulkList, user, ids, action: str, params) -> list[Result]:
    """Run `action` on each selected record the caller may see; one Result per id.

    Raises ValidationError (400) for a request that is wrong as a whole: an unknown action,
    a bad id list, a person the caller may not pick, an unknown transition or tag."""
    if action not in spec.actions():
        raise ValidationError({"action": [_("This list has no such bulk action.")]})
    ids = parse_ids(ids)
    visible = {obj.pk: obj for obj in spec.queryset(user).filter(pk__in=ids)}
    hidden = _("This record does not exist, or you may not see it.")

    if action == "transition":
        name = str(params.get("transition") or "")
        if name not in dict(spec.transition_choices(spec.model(user))):
            raise ValidationError({"transition": [_("Choose one of the actions offered.")]})
        data = {k: v for k, v in params.items() if k not in ("action", "ids", "transition")}
        # The fields are the same for every record: wrong ones refuse the request as a whole.
        validate_fields(get_spec(spec.model(user), name), data, user=user)

        def act(obj):
            return lambda: run(obj=obj, name=name, user=user, data=data)

    elif action == "assign_owner":
        owner = _person(
            spec.owner_choices(user) if spec.owner_choices else None, params.get("owner"), "owner"
        )
        assign = spec.assign_owner
        assert assign is not None

        def act(obj):
            return lambda: assign(obj=obj, owner=owner, user=user)

    elif action == "add_to_team":
        member = _person(
            spec.team_choices(user) if spec.team_choices else None, params.get("member"), "member"
        )
        add = spec.add_to_team
        assert add is not None

        def act(obj):
            return lambda: add(obj=obj, member=member, user=user)

    else:  # tag
        tag_name = _tag_name(params.get("tag"))

        def act(obj):
            def do():
                if not spec.may_tag(user, obj):
                    raise PermissionDenied(_("You may not change this record."))
                tag_record(obj=obj, name=tag_name, user=user)

            return do

    results = []
    for record_id in ids:
        obj = visible.get(record_id)
        if obj is None:
            results.append(Result(record_id, False, 404, str(hidden)))
            continue
        results.append(_one(record_id, act(obj)))
    return results


def transition_form(spec: BulkList, name: str, user):
    """An unbound instance of transition `name`'s own form for the bulk bar, or None for a
    transition the list does not have. Its record choices are those `user` may see."""
    from .forms import VisibleChoicesMixin

    if name not in dict(spec.transition_choices(spec.model(user))):
        return None
    form_class = get_spec(spec.model(user), name).form_class()
    kwargs: dict[str, Any] = {"auto_id": "id_bulk_%s"}
    if issubclass(form_class, VisibleChoicesMixin):
        kwargs["user"] = user
    return form_class(**kwargs)


def field_labels(spec: BulkList, params, user) -> dict[str, str]:
    """Field name -> label, to name the fields in a refusal of the whole request."""
    labels = {
        "ids": str(_("Selection")),
        "owner": str(_("New owner")),
        "member": str(_("Team member")),
        "tag": str(_("Tag")),
        "transition": str(_("Action")),
    }
    if params.get("action") == "transition":
        form = transition_form(spec, str(params.get("transition") or ""), user)
        if form is not None:
            labels.update({k: str(f.label) for k, f in form.fields.items() if f.label})
    return labels


@transaction.atomic
def tag_record(*, obj, name: str, user) -> TaggedRecord:
    """Put tag `name` on `obj` (created on first use); a tag already there stays one."""
    tag, _created = Tag.objects.get_or_create(name=name)
    tagged, _new = TaggedRecord.objects.get_or_create(
        tag=tag,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        defaults={"by": user if getattr(user, "is_authenticated", False) else None},
    )
    return tagged


def summary(results: list[Result]) -> str:
    done = sum(1 for r in results if r.ok)
    return _("%(done)s of %(total)s done.") % {"done": done, "total": len(results)}


ACTION_LABELS = {
    "assign_owner": gettext_lazy("Assign owner"),
    "add_to_team": gettext_lazy("Add to team"),
    "transition": gettext_lazy("Run an action"),
    "tag": gettext_lazy("Tag"),
}


__all__ = ["BulkList", "Result", "UnknownTransition", "register", "registry", "run_bulk"]
