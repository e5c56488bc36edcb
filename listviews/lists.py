"""The lists a user can shape: each app declares its lists' columns, sorts and filter form
once, in `<app>/listing.py` (`register(ListSpec(...))`), and its list view opens through
`open_list`.

A list's state lives in its address: its filters (the list's own filter form), `sort=<key>`
or `sort=-<key>` (columns declared with an indexed `sort` field, and the custom field columns
whose type sorts, empty values last) and `cols=a,b,c` (the columns shown, in order). A
saved view (listviews.models.SavedView) is those three under a name; opening it is opening
that address. Opening a list with nothing in its address opens the user's default view; any
parameter in the address wins, and `?view=0` shows the plain list.

What a view can never do is widen the rows: the list view still builds its queryset from its
role-aware selector, and a view only filters, orders and picks columns of what it shows.
Columns limited to some roles (`when`) are dropped for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

# Parameters that are the list's state or paging, never one of its filters.
RESERVED = ("page", "export", "ids", "sort", "cols", "view")
MAX_COLUMNS = 30


@dataclass(frozen=True)
class ListColumn:
    """One column a list can show.

    key: stable name (in `cols=` and saved views); label: the header (lazy translation);
    sort: the model field ordered by when the column is sorted ("" = not sortable; only
    indexed fields); default: shown when no view chose the columns; value: for a plain cell,
    an export `Column` (ltc.exports) or an attribute path or callable(record) (a list template
    draws its richer cells itself); when: callable(user) -> bool for a column only some roles
    may see; numeric: right-aligned; cell: callable(record) -> the whole `<td>` (safe HTML),
    for a richer cell drawn in Python by `{% list_cells %}` (listviews_ui), where a template
    branch per cell of every row would cost more than the rest of the page."""

    key: str
    label: Any
    sort: str = ""
    default: bool = True
    value: Any = None
    when: Callable[[Any], bool] | None = None
    numeric: bool = False
    cell: Callable[[Any], str] | None = field(default=None, compare=False)

    def read(self, obj):
        """The plain value of the cell (None when empty)."""
        from ltc.exports import Column

        if isinstance(self.value, Column):
            return self.value.read(obj)
        if callable(self.value):
            return self.value(obj)
        path = self.value or self.key
        value = obj
        for part in path.split("."):
            if value is None:
                return None
            value = getattr(value, part)
            if callable(value) and not hasattr(value, "all"):
                value = value()
        return value


def from_export(export, key: str, **kwargs) -> ListColumn:
    """A list column reading what the export's column `key` reads (label, value, roles), so a
    value is declared once for both. Shown only when a view chooses it, unless `default`."""
    column = next(c for c in export.columns if c.key == key)
    kwargs.setdefault("default", False)
    kwargs.setdefault("numeric", column.kind in ("number", "money"))
    return ListColumn(
        key, kwargs.pop("label", column.label), value=column, when=column.when, **kwargs
    )


@dataclass(frozen=True)
class ListSpec:
    """A list users can shape: its name (in saved views and the API), the URL name of its page,
    its columns, its filter form (a Django form read from the query string) and any further
    parameters the page reads (`account`)."""

    name: str
    title: Any
    url_name: str
    columns: tuple[ListColumn, ...]
    filter_form: Any
    extra_params: tuple[str, ...] = ("account",)
    only_for: Callable[[Any], bool] | None = field(default=None, compare=False)
    # The listed model ("leads.Lead"): its records' extra fields (custom fields) are columns
    # too, shown by default where the field says so (ltc/extra_fields.py).
    model: str = ""

    def allowed(self, user) -> bool:
        return self.only_for is None or bool(self.only_for(user))

    def url(self) -> str:
        return reverse(self.url_name)

    def columns_for(self, user) -> list[ListColumn]:
        own = [c for c in self.columns if c.when is None or c.when(user)]
        if not self.model:
            return own
        from ltc import extra_fields

        model = self.listed_model()
        sorts = self.extra_sorts(user)
        extra = [
            ListColumn(
                column.key,
                column.label,
                sort=column.key if column.key in sorts else "",
                value=column,
                default=shown,
                numeric=column.kind in ("number", "money"),
            )
            for column, shown in extra_fields.list_columns(model, user)
        ]
        return own + extra

    def listed_model(self):
        from django.apps import apps

        return apps.get_model(self.model) if self.model else None

    def extra_sorts(self, user) -> dict[str, Any]:
        """{column key: expression} of the extra (custom field) columns `user` may sort by."""
        if not self.model or user is None:
            return {}
        from ltc import extra_fields

        return extra_fields.list_sorts(self.listed_model(), user)

    def default_keys(self, user) -> list[str]:
        return [c.key for c in self.columns_for(user) if c.default]

    def sort_keys(self, user=None) -> list[str]:
        """The keys the list sorts by: its own sortable columns, then (for a user) the
        custom field columns they may sort by."""
        return [c.key for c in self.columns if c.sort] + list(self.extra_sorts(user))

    # --- checks shared by the save form and the API ----------------------------------------
    def filter_params(self) -> set[str]:
        """Every parameter name the list's filter form reads (a multi-widget's parts too)."""
        form = self.filter_form()
        names = set(self.extra_params)
        for bound in form:
            widget = bound.field.widget
            subwidgets = getattr(widget, "widgets_names", None)
            if subwidgets:
                names.update(bound.html_name + suffix for suffix in subwidgets)
            else:
                names.add(bound.html_name)
        return names

    def query_errors(self, query: str) -> list[str]:
        """What is wrong with a filter query string: unknown parameters, then the form's
        own errors (a status that does not exist, an owner one may not pick)."""
        params = QueryDict(query or "")
        allowed = self.filter_params()
        unknown = sorted(set(params) - allowed)
        if unknown:
            return [_("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)}]
        if not params:
            return []
        form = self.filter_form(params)
        if form.is_valid():
            return []
        return [
            f"{form.fields[name].label if name in form.fields else name}: {message}"
            for name, messages_ in form.errors.items()
            for message in messages_
        ]

    def column_errors(self, keys, user) -> list[str]:
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            return [_("Give the columns as a list of column names.")]
        known = {c.key for c in self.columns_for(user)}
        unknown = [k for k in keys if k not in known]
        if unknown:
            return [_("Unknown column: %(names)s.") % {"names": ", ".join(unknown)}]
        if len(set(keys)) != len(keys):
            return [_("A column is listed twice.")]
        if len(keys) > MAX_COLUMNS:
            return [_("At most %(max)d columns.") % {"max": MAX_COLUMNS}]
        return []

    def sort_errors(self, sort: str, user=None) -> list[str]:
        keys = self.sort_keys(user)
        if not sort or sort.removeprefix("-") in keys:
            return []
        return [_("This list sorts only by: %(keys)s.") % {"keys": ", ".join(keys)}]

    def order_by(self, sort: str, user=None) -> tuple | None:
        """The ordering of a valid sort (ties broken by the newest key), or None. A custom
        field column (for a user who may see it) orders by its value, empty values last."""
        key = sort.removeprefix("-")
        desc = sort.startswith("-")
        tie = "-pk" if desc else "pk"
        column = next((c for c in self.columns if c.key == key and c.sort), None)
        if column is not None:
            return (("-" if desc else "") + column.sort, tie)
        expression = self.extra_sorts(user).get(key) if key else None
        if expression is None:
            return None
        ordered = expression.desc(nulls_last=True) if desc else expression.asc(nulls_last=True)
        return (ordered, tie)


# --- the registry -------------------------------------------------------------------------------
_REGISTRY: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> ListSpec:
    _REGISTRY[spec.name] = spec
    return spec


def registry() -> dict[str, ListSpec]:
    """Every declared list by name (each app's `listing` module is loaded once)."""
    from ltc.discovery import discover

    discover("listing")
    return dict(_REGISTRY)


def spec_named(name: str) -> ListSpec | None:
    return registry().get(name)


# --- a list page's state ----------------------------------------------------------------------
def split_cols(values) -> list[str]:
    """`cols=a,b` or `cols=a&cols=b` as one list of keys."""
    return [k.strip() for v in values for k in str(v).split(",") if k.strip()]


def view_address(spec: ListSpec, *, query: str, sort: str, columns, view_id=None) -> str:
    params = QueryDict(query or "", mutable=True)
    if sort:
        params["sort"] = sort
    if columns:
        params["cols"] = ",".join(columns)
    if view_id:
        params["view"] = str(view_id)
    encoded = params.urlencode()
    return spec.url() + ("?" + encoded if encoded else "")


class Listing:
    """One request's view of a list: the columns shown, the sort, the user's saved views.

    Built by `open_list`; the list template reads `listing` (headers, the views menu, the
    hidden inputs that keep sort and columns when the filters change)."""

    redirect: HttpResponseRedirect | None = None

    def __init__(self, request, spec: ListSpec):
        self.request = request
        self.spec = spec
        self.user = request.user
        params = request.GET
        available = {c.key: c for c in spec.columns_for(self.user)}
        chosen = [k for k in split_cols(params.getlist("cols")) if k in available]
        chosen = list(dict.fromkeys(chosen))[:MAX_COLUMNS]
        self.chose_columns = bool(chosen)
        self.columns = [available[k] for k in (chosen or spec.default_keys(self.user))]
        sort = params.get("sort", "")
        self.sort = sort if spec.order_by(sort, self.user) else ""
        view = params.get("view", "")
        self.view_id = int(view) if view.isascii() and view.isdigit() else None

    def sorted(self, queryset):
        """The queryset in the chosen order (its own order without a valid sort)."""
        ordering = self.spec.order_by(self.sort, self.user)
        return queryset.order_by(*ordering) if ordering else queryset

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @cached_property
    def views(self):
        """The user's own views of this list and those shared with their teams (one query)."""
        from .selectors import views_for

        return list(views_for(user=self.user, list_name=self.spec.name))

    @cached_property
    def share_teams(self):
        """The teams the user may share a view with (none for most users)."""
        from .selectors import shareable_teams

        return list(shareable_teams(user=self.user))

    @cached_property
    def share_team_ids(self) -> set[int]:
        return {team.pk for team in self.share_teams}

    def may_rename(self, view) -> bool:
        """The owner, or for a shared view whoever may share with its team (the menu's
        answer; the service checks again)."""
        return view.owner_id == self.user.pk or view.shared_team_id in self.share_team_ids

    @cached_property
    def renamable_ids(self) -> set[int]:
        return {view.pk for view in self.views if self.may_rename(view)}

    @cached_property
    def current(self):
        if self.view_id is None:
            return None
        return next((v for v in self.views if v.pk == self.view_id), None)

    def filter_query(self) -> str:
        """The filters in the address (without sort, columns, view or page)."""
        params = self.request.GET.copy()
        for name in RESERVED:
            params.pop(name, None)
        return params.urlencode()

    def state_query(self) -> str:
        """The whole state in the address, as a view would save it."""
        return self.request.GET.urlencode()

    def hidden(self) -> list[tuple[str, str]]:
        """Inputs the filter form carries so that filtering keeps the sort and the columns."""
        out = []
        if self.sort:
            out.append(("sort", self.sort))
        if self.chose_columns:
            out.append(("cols", ",".join(self.keys)))
        return out

    @cached_property
    def headers(self) -> list[dict]:
        """Each shown column's header: label, and for a sortable one the link that sorts by it
        (ascending first, then the other way) and the current direction. Read by the table's
        header and by the phone's sort menu."""
        out = []
        for column in self.columns:
            header = {"column": column, "label": column.label, "url": None, "direction": ""}
            if column.sort:
                if self.sort == column.key:
                    header["direction"], next_sort = "asc", "-" + column.key
                elif self.sort == "-" + column.key:
                    header["direction"], next_sort = "desc", column.key
                else:
                    next_sort = column.key
                params = self.request.GET.copy()
                params.pop("page", None)
                params.pop("view", None)
                params["sort"] = next_sort
                header["url"] = "?" + params.urlencode()
            out.append(header)
        return out

    def sort_options(self) -> list[dict]:
        """The headers that sort, for the sort menu a phone shows in place of the header."""
        return [header for header in self.headers if header["url"]]

    def chooser(self) -> list[dict]:
        """The column chooser: the shown columns in their order, then the others."""
        shown = self.keys
        rest = [c for c in self.spec.columns_for(self.user) if c.key not in shown]
        return [{"column": c, "checked": True} for c in self.columns] + [
            {"column": c, "checked": False} for c in rest
        ]

    def chooser_hidden(self) -> list[tuple[str, str]]:
        """The filters and sort, kept by the column chooser's form."""
        params = self.request.GET.copy()
        for name in ("page", "export", "ids", "cols", "view"):
            params.pop(name, None)
        return [(k, v) for k, values in params.lists() for v in values]


def open_list(request, spec: ListSpec) -> Listing:
    """The list's state for this request. With nothing in the address and a default view,
    `listing.redirect` is the answer: the list opened as that view."""
    listing = Listing(request, spec)
    if not request.GET:
        # The menu reads the same views (one query for both), each with `is_default`.
        view = next((v for v in listing.views if v.is_default), None)
        if view is not None:
            listing.redirect = HttpResponseRedirect(view.address())
    return listing
