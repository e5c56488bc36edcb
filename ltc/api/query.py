"""Unknown query parameters are refused with a 400 that names them.

An integrator who misspells a filter (or uses one that does not exist, like `?lead=` on a
resource without that relation) would otherwise get the whole list back and act on it. What a
view accepts is what the schema documents for it: on list endpoints the parameters of its
filter backends (django-filter fields with their range suffixes, ?search=, ?ordering=); on
those and the actions in `paginated_actions` its paginator's; the list's filters also on the
actions in `filtered_actions` (the export); everywhere `format`, `action_query_params` and the
extras the view declares in `extra_query_params` ({action: [names]}) and documents with
extend_schema.

The list endpoints' django-filter and ?search= backends are here too: they read the query
parameters the same way, and skip their work when the request gives none of theirs.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.filters import SearchFilter
from rest_framework.settings import api_settings


def filterset_params(filterset_class) -> set[str]:
    """The query parameter names of a FilterSet: a range filter reads name_min/name_max (or
    name_after/name_before), every other filter its own name."""
    names: set[str] = set()
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field.widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
        else:
            names.add(name)
    return names


def allowed_query_params(view) -> set[str]:
    names = {api_settings.URL_FORMAT_OVERRIDE} - {None}
    action = getattr(view, "action", None)
    extras = getattr(view, "extra_query_params", {}) or {}
    names.update(extras.get(action, ()))
    names.update((getattr(view, "action_query_params", {}) or {}).get(action, ()))
    paginator = getattr(view, "paginator", None)
    if paginator is not None and action in ("list", *getattr(view, "paginated_actions", ())):
        names.update(p["name"] for p in paginator.get_schema_operation_parameters(view))
    # The list and the actions that read the list's rows (its export) take its filters.
    if action not in ("list", *getattr(view, "filtered_actions", ())):
        return names
    for backend_class in getattr(view, "filter_backends", None) or ():
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            # The class-level queryset when there is one: a role-aware get_queryset() may
            # run a query to build itself.
            queryset = getattr(view, "queryset", None)
            if queryset is None:
                queryset = view.get_queryset()
            filterset_class = backend.get_filterset_class(view, queryset)
            if filterset_class is not None:
                names |= filterset_params(filterset_class)
        else:
            names.update(p["name"] for p in backend.get_schema_operation_parameters(view))
    return names


class StrictQueryParamsMixin:
    """A 400 naming every query parameter the view does not know (after authentication and
    permissions, so an anonymous caller still gets 401)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.query_params:
            return  # nothing to check (working out what is allowed costs a list ~0.1 ms)
        unknown = sorted(set(request.query_params) - allowed_query_params(self))
        if unknown:
            raise serializers.ValidationError(
                {
                    "query_params": [
                        _("Unknown query parameter: %(names)s.") % {"names": ", ".join(unknown)}
                    ]
                }
            )


class ListFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates the view's FilterSet (a form)
    only when the request names one of its parameters: without them no filter applies, and
    building it cost a list about 4 % of its time."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not set(request.query_params) & filterset_params(
            filterset_class
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class ListSearchFilter(SearchFilter):
    """DRF's ?search=, which reads no terms when the request gives none (DRF builds and runs a
    CharField on the empty value each time)."""

    def get_search_terms(self, request):
        if not request.query_params.get(self.search_param):
            return []
        return super().get_search_terms(request)
