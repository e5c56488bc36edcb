"""Serializer fields built once per class (ltc.api.relations.BuiltFieldsMixin): each instance
gets its own copies, so binding them and limiting their querysets to one caller never reaches
another instance or the class's built fields."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from ltc.api.relations import VisibleRelationsMixin
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

User = get_user_model()


class Inner(serializers.Serializer):
    note = serializers.CharField()


class Sample(VisibleRelationsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=5)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    watchers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    tags = serializers.ListField(child=serializers.CharField())
    inner = Inner()


def serializer_for(user):
    request = APIRequestFactory().get("/")
    request.user = user
    return Sample(context={"request": request})


def test_each_instance_binds_its_own_copies_and_the_built_fields_stay_unbound():
    first, second = serializer_for(user_with("sales")), serializer_for(user_with("sales"))
    first_fields, second_fields = first.fields, second.fields
    built = Sample._built_fields
    for name in ("name", "owner", "watchers", "tags", "inner"):
        assert first_fields[name] is not second_fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert built[name].parent is None  # never bound itself
    assert first.fields["watchers"].child_relation is not built["watchers"].child_relation
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["inner"].fields["note"].parent is first.fields["inner"]


def test_a_callers_narrowed_queryset_stays_on_their_copy(monkeypatch):
    seen = []

    def limit(queryset, user):
        seen.append(user)
        return queryset.filter(pk=user.pk)

    monkeypatch.setattr("ltc.api.relations.limit_to_visible", limit)
    seller, other = user_with("sales"), user_with("sales")
    mine = serializer_for(seller).fields
    theirs = serializer_for(other).fields
    assert list(mine["owner"].queryset) == [seller]
    assert list(mine["watchers"].child_relation.queryset) == [seller]
    assert list(theirs["owner"].queryset) == [other]
    assert list(theirs["watchers"].child_relation.queryset) == [other]
    assert set(Sample._built_fields["owner"].queryset) >= {seller, other}
    assert set(Sample._built_fields["watchers"].child_relation.queryset) >= {seller, other}


def test_validation_runs_on_the_copy_with_the_built_validators():
    first = Sample(data={"name": "toolong", "owner": 0, "watchers": [], "tags": [], "inner": {}})
    assert not first.is_valid()
    assert set(first.errors) == {"name", "owner", "inner"}
