"""Saving, sharing, deleting saved list views and choosing one's default (one transaction
each). Every write checks the list, the filters, the sort and the columns against the list's
declaration (listviews.lists), and sharing against the `listviews.share` policy."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from roles.policies import can

from .lists import spec_named
from .models import DefaultView, SavedView
from .selectors import visible_views


def _check(
    *, user, list_name, name, query, sort, columns, shared_team, view=None, check_share=True
) -> dict:
    errors: dict[str, list[str]] = {}
    spec = spec_named(list_name)
    if spec is None or not spec.allowed(user):
        errors["list_name"] = [_("There is no such list, or you may not open it.")]
        raise ValidationError(errors)
    if not (name or "").strip():
        errors["name"] = [_("Give the view a name.")]
    elif (
        SavedView.objects.filter(owner=user, list_name=list_name, name=name.strip())
        .exclude(pk=view.pk if view is not None else 0)
        .exists()
    ):
        errors["name"] = [_("You already have a view of this list with this name.")]
    if problems := spec.query_errors(query):
        errors["query"] = problems
    if problems := spec.sort_errors(sort):
        errors["sort"] = problems
    if problems := spec.column_errors(columns, user):
        errors["columns"] = problems
    if check_share and shared_team is not None and not can(user, "listviews.share", shared_team):
        errors["shared_team"] = [_("Only a manager or the team's lead shares a view with a team.")]
    if errors:
        raise ValidationError(errors)
    return {
        "list_name": list_name,
        "name": name.strip(),
        "query": query or "",
        "sort": sort or "",
        "columns": list(columns),
        "shared_team": shared_team,
    }


@transaction.atomic
def view_save(
    *,
    user,
    list_name: str,
    name: str,
    query: str = "",
    sort: str = "",
    columns=(),
    shared_team=None,
    make_default: bool = False,
) -> SavedView:
    """A new view of `user`'s; with make_default, also the one their list opens with."""
    fields = _check(
        user=user,
        list_name=list_name,
        name=name,
        query=query,
        sort=sort,
        columns=list(columns),
        shared_team=shared_team,
    )
    try:
        with transaction.atomic():
            view = SavedView.objects.create(owner=user, **fields)
    except IntegrityError as exc:  # the same name saved at the same moment
        raise ValidationError(
            {"name": [_("You already have a view of this list with this name.")]}
        ) from exc
    if make_default:
        view_set_default(user=user, view=view)
    return view


@transaction.atomic
def view_update(*, user, view: SavedView, **changes) -> SavedView:
    """Change one's own view (name, filters, sort, columns, team)."""
    view = SavedView.objects.select_for_update(of=("self",)).get(pk=view.pk)
    if view.owner_id != user.pk:
        raise PermissionDenied(_("Only the view's owner changes it."))
    current = {
        "name": view.name,
        "query": view.query,
        "sort": view.sort,
        "columns": view.columns,
        "shared_team": view.shared_team,
    }
    current.update({k: v for k, v in changes.items() if k in current})
    # Keeping the team it is already shared with needs no new right.
    fields = _check(
        user=user,
        list_name=view.list_name,
        view=view,
        check_share=current["shared_team"] != view.shared_team,
        **current,
    )
    for name, value in fields.items():
        setattr(view, name, value)
    view.save()
    return view


def may_rename(user, view: SavedView) -> bool:
    """The owner renames their view; a view shared with a team is renamed too by whoever may
    share with that team (a manager, the team's lead: the `listviews.share` policy)."""
    if view.owner_id == user.pk:
        return True
    return view.shared_team_id is not None and can(user, "listviews.share", view.shared_team)


@transaction.atomic
def view_rename(*, user, view: SavedView, name: str) -> SavedView:
    """A new name for a view, unique among its owner's views of the list."""
    view = SavedView.objects.select_for_update(of=("self",)).get(pk=view.pk)
    if not may_rename(user, view):
        raise PermissionDenied(_("Only the view's owner, or who may share it, renames it."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the view a name.")]})
    if view.owner_id == user.pk:
        taken = _("You already have a view of this list with this name.")
    else:
        taken = _("Its owner already has a view of this list with this name.")
    if (
        SavedView.objects.filter(owner_id=view.owner_id, list_name=view.list_name, name=name)
        .exclude(pk=view.pk)
        .exists()
    ):
        raise ValidationError({"name": [taken]})
    view.name = name
    try:
        with transaction.atomic():
            view.save(update_fields=["name", "updated_at"])
    except IntegrityError as exc:  # the same name saved at the same moment
        raise ValidationError({"name": [taken]}) from exc
    return view


@transaction.atomic
def view_delete(*, user, view: SavedView) -> None:
    if view.owner_id != user.pk:
        raise PermissionDenied(_("Only the view's owner deletes it."))
    view.delete()  # the defaults pointing at it go with it


@transaction.atomic
def view_set_default(*, user, view: SavedView) -> None:
    """The view `user`'s list opens with: their own or one shared with their team."""
    if not visible_views(user=user).filter(pk=view.pk).exists():
        raise PermissionDenied(_("You may not open this view."))
    DefaultView.objects.update_or_create(
        user=user, list_name=view.list_name, defaults={"view": view}
    )


@transaction.atomic
def view_clear_default(*, user, list_name: str) -> None:
    """The list opens plain again."""
    DefaultView.objects.filter(user=user, list_name=list_name).delete()
