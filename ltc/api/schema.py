"""The OpenAPI schema tells what the API really does.

- Filters are documented on list endpoints only, pagination on those and on the actions in
  the view's `paginated_actions`, as StrictQueryParamsMixin accepts them there only.
- A blank email (an optional address left empty) is documented as "an email or empty".
- Fields a serializer leaves out for some roles are not required in its response component.
- A model serializer's field without a help text of its own gets the shared description of its
  name (descriptions.py): ids, times, owners, chain links, amounts and line arithmetic.
- A parameter without a description gets one from its name (a record id, a range, a filter).
- Every operation documents the error answers any request can get (postprocessing hook): 400
  (field errors or an unknown query parameter), 401, 403, 404 (also a page past the end), 409 on
  writes (state or a concurrent change), 413 on request bodies over the limit, 429 (throttled).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .descriptions import describe


class AutoSchema(SpectacularAutoSchema):
    def _filters_apply(self) -> bool:
        action = getattr(self.view, "action", None)
        return action == "list" if action is not None else self._is_list_view()

    def get_filter_backends(self):
        # An action that reads the list's rows (its export) takes the list's filters too.
        action = getattr(self.view, "action", None)
        if action is not None and action in getattr(self.view, "filtered_actions", ()):
            return list(getattr(self.view, "filter_backends", None) or [])
        return super().get_filter_backends() if self._filters_apply() else []

    def _paginates(self) -> bool:
        action = getattr(self.view, "action", None)
        return self._filters_apply() or action in getattr(self.view, "paginated_actions", ())

    def _get_pagination_parameters(self):
        return super()._get_pagination_parameters() if self._paginates() else []

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if "description" not in meta:
            text = describe(field)
            if text:
                meta["description"] = text
        return meta


class BlankableEmailExtension(OpenApiSerializerFieldExtension):
    """A read-only email that may be blank in the model: "an email or empty", the shape
    drf-spectacular gives writable fields with allow_blank (ModelSerializer drops allow_blank
    from read-only fields)."""

    target_class = "rest_framework.fields.EmailField"

    def _may_be_blank(self) -> bool:
        field = self.target
        model = getattr(getattr(field.parent, "Meta", None), "model", None)
        if model is None or "." in (field.source or ""):
            return True
        try:
            return model._meta.get_field(field.source).blank
        except FieldDoesNotExist:  # a property or an annotation: it may hold anything
            return True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not self.target.read_only or not self._may_be_blank():
            return schema
        # No top-level type: the validators' pass would put format back on it.
        email = {k: v for k, v in schema.items() if k not in ("readOnly", "description")}
        outer = {k: v for k, v in schema.items() if k in ("readOnly", "description")}
        return {
            **outer,
            "oneOf": [{**email, "format": "email"}, {"type": "string", "maxLength": 0}],
        }


class RoleShapedSerializer:
    """A marker for a serializer whose answer leaves out `Meta.role_dependent_fields` for some
    roles (the view picks a narrower serializer): those fields are not required in its
    response component."""


class RoleShapedExtension(OpenApiSerializerExtension):
    target_class = RoleShapedSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        optional = set(getattr(self.target.Meta, "role_dependent_fields", ()))
        if "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema


ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for a person"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "description": "Field errors: {field: [messages]}; non_field_errors for the whole record; "
    "query_params for an unknown query parameter",
    "anyOf": [{"type": "object", "additionalProperties": {}}, {"type": "array", "items": {}}],
}
ANSWERS = {
    "400": (
        "A rule failed, the input is malformed, or a query parameter is unknown",
        "FieldErrors",
    ),
    "401": ("Not signed in (send Authorization: Token <token>)", "ApiError"),
    "403": ("Your role may not do this", "ApiError"),
    "404": ("No such record, not yours to see, or a page past the end", "ApiError"),
    "409": ("Not allowed in the record's current state, or changed concurrently", "ApiError"),
    "413": ("The request body is over the size limit", "ApiError"),
    "429": ("Too many requests: retry after the Retry-After header's seconds", "ApiError"),
}
WRITES = {"post", "put", "patch", "delete"}


def document_error_answers(result, generator, request, public):
    """Postprocessing hook: the error answers every operation can give, where the operation
    does not document them more precisely already."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ApiError", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            codes = ["400", "401", "403", "404", "429"]
            if method in WRITES:
                codes += ["409", "413"]
            if path.endswith("/auth/token/"):
                codes = ["400", "429"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                description, component = ANSWERS[code]
                content = {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
                }
                existing = responses.get(code)
                if existing is None:
                    responses[code] = {"description": description, "content": content}
                elif code == "400":
                    # A 400 answer is field errors or, from any view, the query check's.
                    existing["content"] = content
                elif "content" not in existing:
                    existing["content"] = content
    describe_parameters(result)
    return result


RANGE_SUFFIXES = {
    "_before": "Only the records whose {base} is on or before this",
    "_after": "Only the records whose {base} is on or after this",
    "_from": "Only the records whose {base} is on or after this",
    "_to": "Only the records whose {base} is on or before this",
    "_min": "Only the records whose {base} is at least this",
    "_max": "Only the records whose {base} is at most this",
}
PARAMETER_HELP = {
    "Idempotency-Key": "A retried POST with the same key and body returns the first answer",
}


def parameter_description(name: str, location: str, kind: str = "") -> str:
    """What a parameter without a description of its own does: a record id in the path, a
    date or number range, or a filter on one field (a relation: by id; a record you may not
    see gives an empty list)."""
    if name in PARAMETER_HELP:
        return PARAMETER_HELP[name]
    if location == "path":
        return "The record's id" if name == "id" else f"The {name.replace('_', ' ')}"
    for suffix, text in RANGE_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return text.format(base=name[: -len(suffix)].replace("_", " "))
    if kind == "boolean":
        return f"true: only the records that are {name.replace('_', ' ')}; false: the others"
    if name in ("from", "to"):
        return "Only what falls on or after this" if name == "from" else "Only up to this"
    return f"Only the records whose {name.replace('_', ' ')} is this"


def describe_parameters(result) -> None:
    """Every parameter says what it does; one without a description of its own gets the
    shared one of its name (parameter_description)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    parameter["description"] = parameter_description(
                        parameter["name"],
                        parameter.get("in", ""),
                        parameter.get("schema", {}).get("type", ""),
                    )
