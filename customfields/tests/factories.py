"""Custom field definitions for tests: one of each type on a kind of record."""

from __future__ import annotations

from customfields.models import CustomFieldDefinition, FieldType

EXAMPLES = {
    # type: (a value as the API takes it, the same as stored, a filter value, a wrong value)
    FieldType.TEXT: ("华东 region", "华东 region", "华东", 12),
    FieldType.LONG_TEXT: ("line one\nline two", "line one\nline two", "two", ["x"]),
    FieldType.INTEGER: (12, 12, "12", "12.5"),
    FieldType.DECIMAL: ("1250.50", "1250.5", "1250.5", "1,2"),
    FieldType.MONEY: (
        {"amount": "80000.00", "currency": "USD"},
        {"amount": "80000.00", "currency": "USD"},
        "80000 USD",
        {"amount": "1.001", "currency": "USD"},
    ),
    FieldType.DATE: ("2026-03-31", "2026-03-31", "2026-03-31", "31/03/2026"),
    FieldType.CHOICE: ("制造业", "制造业", "制造业", "农业"),
    FieldType.MULTI_CHOICE: (["CRM", "ERP"], ["ERP", "CRM"], "CRM", ["MES"]),
    FieldType.USER: (None, None, None, 999999),  # the user id is filled in by the test
    FieldType.BOOLEAN: (True, True, "yes", "maybe"),
}
CHOICES = {
    FieldType.CHOICE: ["制造业", "零售", "金融"],
    FieldType.MULTI_CHOICE: ["ERP", "CRM", "MES-Lite"],
}


def define(record: str, key: str, type: str = FieldType.TEXT, **fields) -> CustomFieldDefinition:
    fields.setdefault("label_en", key.replace("_", " ").capitalize())
    fields.setdefault("label_zh", f"字段{key}")
    fields.setdefault("choices", CHOICES.get(type, []))
    return CustomFieldDefinition.objects.create(record=record, key=key, type=type, **fields)


def define_each_type(record: str, **fields) -> dict[str, CustomFieldDefinition]:
    """One definition per type, keyed by type; the key is `f_<type>`."""
    return {t: define(record, f"f_{t}", t, **fields) for t in FieldType.values}
