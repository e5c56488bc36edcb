"""The API router: every record id in a path is digits only, and every route checks its query
parameters.

`/api/v1/quotes/0.5/` or `/api/v1/statements/abc/` never reaches a view (which would fail
converting the id): the path does not match and the API's 404 answers in JSON. Each registered
viewset is given StrictQueryParamsMixin here, so a route added by any app refuses unknown
query parameters without having to remember to.
"""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from .query import StrictQueryParamsMixin

# Record ids in paths: ASCII digits only (`\d` would also take other scripts' digits).
ID_REGEX = r"[0-9]+"


def strict(viewset):
    """The viewset with the query-parameter check in front of it (itself if already there)."""
    if issubclass(viewset, StrictQueryParamsMixin):
        return viewset
    return type(
        viewset.__name__,
        (StrictQueryParamsMixin, viewset),
        {
            "__module__": viewset.__module__,
            "__qualname__": viewset.__qualname__,
            "__doc__": viewset.__doc__,
            "lookup_value_regex": getattr(viewset, "lookup_value_regex", ID_REGEX),
        },
    )


class ApiRouter(DefaultRouter):
    def register(self, prefix, viewset, basename=None):
        super().register(prefix, strict(viewset), basename)

    def extend(self, registry):
        for prefix, viewset, basename in registry:
            self.register(prefix, viewset, basename)
