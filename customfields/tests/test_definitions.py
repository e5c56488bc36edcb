"""Definitions: who may make them, and the bad ones refused with a clear error."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from customfields import services
from customfields.models import CustomFieldDefinition, FieldType
from customfields.tests.factories import define
from leads.models import Lead
from leads.tests.factories import LeadFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def make(user, **fields):
    base = {
        "record": "lead",
        "key": "industry",
        "label_en": "Industry",
        "label_zh": "行业",
        "type": FieldType.CHOICE,
        "choices": ["制造业", "零售"],
    }
    return services.definition_save(user=user, **{**base, **fields})


def errors_of(exc) -> dict:
    return exc.value.message_dict


def test_a_manager_defines_a_field():
    definition = make(user_with("manager"), required_for=["qualify"], in_list=True)
    assert definition.pk and definition.label_zh == "行业"
    assert definition.required_for == ["qualify"]


@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "operations", "service"])
def test_other_roles_may_not_define_fields(role):
    with pytest.raises(PermissionDenied):
        make(user_with(role))
    assert not CustomFieldDefinition.objects.exists()


def test_a_duplicate_key_is_refused():
    manager = user_with("manager")
    make(manager)
    with pytest.raises(ValidationError) as exc:
        make(manager, label_en="Sector", label_zh="部门")
    assert "already has a field with the key “industry”" in errors_of(exc)["key"][0]
    # the same key on another record is fine
    assert make(manager, record="account").pk


def test_an_empty_label_is_refused():
    with pytest.raises(ValidationError) as exc:
        make(user_with("manager"), label_en="  ", label_zh="")
    assert set(errors_of(exc)) == {"label_en", "label_zh"}
    assert not CustomFieldDefinition.objects.exists()


def test_duplicate_choices_are_refused():
    with pytest.raises(ValidationError) as exc:
        make(user_with("manager"), choices=["制造业", "零售", "制造业 "])
    assert errors_of(exc)["choices"] == ["Each choice once: “制造业” appears more than once."]


def test_a_choice_field_needs_choices_and_a_valid_key():
    with pytest.raises(ValidationError) as exc:
        make(user_with("manager"), choices=[], key="Bad Key")
    assert set(errors_of(exc)) == {"choices", "key"}


def test_required_for_names_a_transition_of_the_record():
    with pytest.raises(ValidationError) as exc:
        make(user_with("manager"), required_for=["sign"])
    assert "required_for" in errors_of(exc)
    contract_field = make(
        user_with("manager"), record="contract", required_for=["submit_for_review"]
    )
    assert contract_field.required_for == ["submit_for_review"]


def test_the_key_cannot_change():
    manager = user_with("manager")
    definition = make(manager)
    with pytest.raises(ValidationError) as exc:
        services.definition_save(user=manager, definition=definition, key="sector")
    assert "key" in errors_of(exc)


def test_a_type_change_that_would_lose_values_is_refused():
    manager = user_with("manager")
    definition = define("lead", "volume", FieldType.TEXT)
    LeadFactory(custom={"volume": "about 40"})
    LeadFactory(custom={"volume": "12"})
    with pytest.raises(ValidationError) as exc:
        services.definition_save(user=manager, definition=definition, type=FieldType.INTEGER)
    assert (
        "1 record(s) hold a value that would be lost (e.g. “about 40”)" in errors_of(exc)["type"][0]
    )
    definition.refresh_from_db()
    assert definition.type == FieldType.TEXT


def test_a_type_change_that_keeps_every_value_is_allowed():
    manager = user_with("manager")
    definition = define("lead", "volume", FieldType.TEXT)
    LeadFactory(custom={"volume": "12"})
    services.definition_save(user=manager, definition=definition, type=FieldType.INTEGER)
    definition.refresh_from_db()
    assert definition.type == FieldType.INTEGER


def test_removing_a_choice_still_in_use_is_refused():
    manager = user_with("manager")
    definition = define("lead", "industry", FieldType.CHOICE, choices=["制造业", "零售"])
    LeadFactory(custom={"industry": "零售"})
    with pytest.raises(ValidationError) as exc:
        services.definition_save(user=manager, definition=definition, choices=["制造业"])
    assert "choices" in errors_of(exc)


def test_retire_hides_the_field_and_restore_brings_its_values_back():
    manager = user_with("manager")
    definition = define("lead", "industry", FieldType.CHOICE, choices=["制造业", "零售"])
    lead = LeadFactory(custom={"industry": "零售"})
    services.definition_retire(user=manager, definition=definition)
    from customfields.selectors import visible_values

    assert visible_values(lead, manager) == {}
    assert Lead.objects.get(pk=lead.pk).custom == {"industry": "零售"}  # kept
    services.definition_restore(user=manager, definition=definition)
    assert visible_values(lead, manager) == {"industry": "零售"}
