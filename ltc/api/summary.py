"""Serializers shared by the summary sections (ltc/summaries.py) of every stage, and the
summary answer whose fields are the sections the stages declared."""

from __future__ import annotations

from rest_framework import serializers

from ltc.summaries import sections_for


class ReadOnlyFields:
    """Every field read-only: a summary is an answer, never an input."""

    def get_fields(self):
        fields = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            field.read_only = True
        return fields


class ReadOnlySerializer(ReadOnlyFields, serializers.Serializer):
    pass


class ReadOnlyModelSerializer(ReadOnlyFields, serializers.ModelSerializer):
    pass


def state(help_text: str):
    """A state or kind as plain text (its values are documented on the record's own
    endpoint), so the summary adds no enum of its own to the schema."""
    return serializers.CharField(read_only=True, help_text=help_text)


class AmountSerializer(ReadOnlySerializer):
    """A sum of money in one currency."""

    currency = serializers.CharField(help_text="ISO 4217 currency code")
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="The sum in that currency"
    )


class SectionSerializer(ReadOnlySerializer):
    """What every section carries: how many records the viewer may see and where the full
    list (filtered by the record) is; `items` lists the latest few."""

    count = serializers.IntegerField(help_text="Records of this kind the caller may see")
    list_url = serializers.CharField(help_text="The full list, filtered by the account")


class SummarySectionsSerializer(ReadOnlySerializer):
    """One optional field per section declared for the model; a section the caller may not
    see is absent from the answer."""

    model_label = ""

    def get_fields(self):
        return {
            section.key: section.serializer_class(
                required=False,
                help_text=f"The record's {section.key} the caller may see: how many, the full "
                "list and the latest few; absent for a caller who may not see them",
            )
            for section in sections_for(self.model_label)
        }
