"""API pagination: page numbers while the list is small, a keyset cursor when it is large.

- `?page=N`: page numbers over a count capped at ltc.paging.COUNT_CAP (`count_exact` false
  beyond it).
- No `page`: when the list is larger than the cap, the first page answers in keyset mode and
  `next` carries a `cursor`; each further page is one indexed range read (WHERE created_at <
  last seen), however deep, with no count and no OFFSET over skipped rows.
- `?cursor=...`: keyset mode. `?cursor=` (empty) starts it from the first page.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from ltc.api.lists import with_list_columns
from ltc.paging import CappedPaginator, capped_count

PAGE_FIELDS = {
    "next": "The URL of the next page; null on the last page",
    "previous": "The URL of the previous page; null on the first page",
    "results": "This page's rows",
}


def describe_page(response: dict) -> dict:
    for name, text in PAGE_FIELDS.items():
        response["properties"][name]["description"] = text
    return response


class KeysetPagination(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-pk",)

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view))
        # A unique last key keeps the order total, so rows tied on the first key are
        # neither skipped nor repeated between pages.
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("-pk" if ordering[0].startswith("-") else "pk")
        return tuple(ordering)

    def decode_cursor(self, request):
        if request.query_params.get(self.cursor_query_param) == "":
            return None  # `?cursor=`: the first page in keyset mode
        return super().decode_cursor(request)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = None
        self.known_count = None
        params = request.query_params
        wants_cursor = self.cursor_query_param in params
        if not wants_cursor:
            # Counted before the list's joined columns are added: the count needs no join.
            self.known_count = capped_count(queryset)
            if self.page_query_param not in params:
                wants_cursor = not self.known_count[1]
        queryset = with_list_columns(queryset)
        if wants_cursor:
            self.keyset = KeysetPagination()
            return self.keyset.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        paginator = CappedPaginator(object_list, per_page)
        if self.known_count is not None:
            paginator._capped = self.known_count  # counted already: no second count
        return paginator

    def get_paginated_response(self, data):
        if self.keyset is not None:
            count, exact = self.known_count or (None, False)
            return Response(
                {
                    "count": count,
                    "count_exact": exact,
                    "next": self.keyset.get_next_link(),
                    "previous": self.keyset.get_previous_link(),
                    "results": data,
                }
            )
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "description": "Rows in the list, counted up to 10,000 (null while walking a cursor)",
        }
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when the list holds more rows than `count` says",
        }
        return describe_page(response)

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset pagination: the `next` link of a large list carries it",
                "schema": {"type": "string"},
            },
        ]


class TimelinePagination(PageNumberPagination):
    """Page numbers over a record's history, which is built in memory (transitions and field
    changes merged by time), so no keyset applies."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = "Entries in the whole history"
        return describe_page(response)
