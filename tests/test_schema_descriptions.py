"""An integrator can follow the API from its schema alone: every operation has a summary or
a description, and every property of every component (requests, answers, webhook payloads)
says what it holds."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def undescribed_properties(name: str, schema: dict, at: str = "") -> list[str]:
    """`Component.property` for each property without a description, nested objects too."""
    missing = []
    for prop, spec in (schema.get("properties") or {}).items():
        where = f"{name}.{at}{prop}"
        if not spec.get("description"):
            missing.append(where)
        missing += undescribed_properties(name, spec, at=f"{at}{prop}.")
        missing += undescribed_properties(name, spec.get("items") or {}, at=f"{at}{prop}[].")
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key) or ():
            missing += undescribed_properties(name, part, at=at)
    return missing


def test_every_operation_has_a_summary_or_description(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
        and not (operation.get("summary") or operation.get("description", "").strip())
    ]
    assert not missing, missing


def test_every_parameter_has_a_description(schema):
    missing = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert not missing, missing


def test_every_property_has_a_description(schema):
    missing = [
        where
        for name, component in schema["components"]["schemas"].items()
        for where in undescribed_properties(name, component)
    ]
    assert not missing, f"{len(missing)} properties without a description: {missing}"


def test_the_check_finds_a_missing_description():
    component = {
        "properties": {
            "id": {"type": "integer", "description": "The id"},
            "lines": {"type": "array", "items": {"properties": {"qty": {"type": "number"}}}},
            "note": {"type": "string"},
        }
    }
    assert undescribed_properties("X", component) == ["X.lines", "X.lines[].qty", "X.note"]
