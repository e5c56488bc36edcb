"""The views menu of every list: save the current state under a name, pick the default,
rename or delete a view, reorder the column chooser (htmx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ltc.errors import Outcome

from . import services
from .forms import RenameViewForm, SaveViewForm
from .lists import RESERVED, Listing, spec_named, split_cols, view_address
from .selectors import visible_views


def _spec(name):
    spec = spec_named(name or "")
    if spec is None:
        raise Http404
    return spec


def _split_state(state: str):
    """(filters, sort, columns) of a list's query string."""
    params = QueryDict(state or "", mutable=True)
    sort = params.get("sort", "")
    columns = split_cols(params.getlist("cols"))
    for name in RESERVED:
        params.pop(name, None)
    return params.urlencode(), sort, columns


@login_required
def view_save(request):
    """GET: the form for the list state in `?list=&state=`; POST: save it and open it."""
    data = request.POST if request.method == "POST" else None
    initial = {"list_name": request.GET.get("list", ""), "state": request.GET.get("state", "")}
    form = SaveViewForm(data, initial=initial, user=request.user)
    spec = _spec(form["list_name"].value())
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        filters, sort, columns = _split_state(form.cleaned_data["state"])
        with outcome:
            view = services.view_save(
                user=request.user,
                list_name=spec.name,
                name=form.cleaned_data["name"],
                query=filters,
                sort=sort,
                columns=columns,
                shared_team=form.cleaned_data["shared_team"],
                make_default=form.cleaned_data["make_default"],
            )
        if outcome.ok:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return HttpResponseRedirect(
                view_address(
                    spec, query=view.query, sort=view.sort, columns=view.columns, view_id=view.pk
                )
            )
    back = spec.url() + ("?" + form["state"].value() if form["state"].value() else "")
    return render(
        request,
        "listviews/save.html",
        {"form": form, "spec": spec, "back": back},
        status=outcome.status,
    )


def _visible(request, pk):
    return get_object_or_404(visible_views(user=request.user), pk=pk)


@login_required
@require_POST
def view_default(request, pk):
    view = _visible(request, pk)
    spec = _spec(view.list_name)
    with Outcome(request) as outcome:
        services.view_set_default(user=request.user, view=view)
    if outcome.ok:
        messages.success(request, _("The list now opens with “%(name)s”.") % {"name": view.name})
    return HttpResponseRedirect(
        view_address(spec, query=view.query, sort=view.sort, columns=view.columns, view_id=view.pk)
    )


@login_required
@require_POST
def view_clear_default(request, list_name):
    spec = _spec(list_name)
    services.view_clear_default(user=request.user, list_name=spec.name)
    messages.success(request, _("The list now opens plain."))
    return HttpResponseRedirect(spec.url() + "?view=0")


@login_required
def view_rename(request, pk):
    """GET: the form with the view's name; POST: rename it and open it. The owner renames,
    and for a view shared with a team whoever may share with that team (403 for others who
    see it, 404 for those who do not)."""
    view = _visible(request, pk)
    spec = _spec(view.list_name)
    if not services.may_rename(request.user, view):
        raise PermissionDenied
    form = RenameViewForm(request.POST or None, initial={"name": view.name})
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            view = services.view_rename(
                user=request.user, view=view, name=form.cleaned_data["name"]
            )
        if outcome.ok:
            messages.success(request, _("View renamed to “%(name)s”.") % {"name": view.name})
            return HttpResponseRedirect(view.address())
    return render(
        request,
        "listviews/rename.html",
        {"form": form, "spec": spec, "view": view, "back": view.address()},
        status=outcome.status,
    )


@login_required
@require_POST
def view_delete(request, pk):
    view = _visible(request, pk)
    spec = _spec(view.list_name)
    with Outcome(request) as outcome:
        services.view_delete(user=request.user, view=view)
    if outcome.ok:
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
        return HttpResponseRedirect(spec.url() + "?view=0")
    return HttpResponseRedirect(
        view_address(spec, query=view.query, sort=view.sort, columns=view.columns, view_id=view.pk)
    )


@login_required
def column_chooser(request, list_name):
    """The chooser's list of columns again (htmx), with `move` one place `up` or `down`."""
    spec = _spec(list_name)
    if not spec.allowed(request.user):
        raise Http404
    listing = Listing(request, spec)
    keys = listing.keys
    move, direction = request.GET.get("move", ""), request.GET.get("dir", "")
    if move in keys:
        i = keys.index(move)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(keys):
            keys[i], keys[j] = keys[j], keys[i]
            by_key = {c.key: c for c in listing.columns}
            listing.columns = [by_key[k] for k in keys]
    return render(request, "listviews/_columns.html", {"listing": listing})
