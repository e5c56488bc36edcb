"""Custom fields: the fields a company adds to its records in the browser.

A `CustomFieldDefinition` says what one field of one kind of record is (its key, labels in
English and Chinese, type, choices, who may see and edit it, the transitions that need it).
The values live in the record's own `custom` JSON column (`CustomValuesMixin`), keyed by the
definition's key, and are validated against the definition on every write
(customfields.services). Retiring a definition hides the field and keeps its values;
restoring it shows them again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Record(models.TextChoices):
    """The kinds of record that take custom fields (value: the short name in URLs)."""

    LEAD = "lead", _("Lead")
    ACCOUNT = "account", _("Account")
    CONTACT = "contact", _("Contact")
    OPPORTUNITY = "opportunity", _("Opportunity")
    QUOTE = "quote", _("Quote")
    CONTRACT = "contract", _("Contract")
    ORDER = "order", _("Order")
    TICKET = "ticket", _("Ticket")
    PRODUCT = "product", _("Product")


# record -> the model's label (app_label.Model)
MODELS: dict[str, str] = {
    Record.LEAD: "leads.Lead",
    Record.ACCOUNT: "customers.Account",
    Record.CONTACT: "customers.Contact",
    Record.OPPORTUNITY: "opportunities.Opportunity",
    Record.QUOTE: "opportunities.Quote",
    Record.CONTRACT: "contracts.Contract",
    Record.ORDER: "orders.Order",
    Record.TICKET: "feedback.Ticket",
    Record.PRODUCT: "catalog.Product",
}


def record_of(model) -> str | None:
    """The record kind of a model class or instance ("lead"), None for other models."""
    label = model._meta.label
    for record, model_label in MODELS.items():
        if model_label == label:
            return str(record)
    return None


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    MONEY = "money", _("Money")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    USER = "user", _("User")
    BOOLEAN = "boolean", _("Yes/no")


CHOICE_TYPES = (FieldType.CHOICE, FieldType.MULTI_CHOICE)
TEXT_TYPES = (FieldType.TEXT, FieldType.LONG_TEXT)


class CustomFieldDefinition(models.Model):
    record = models.CharField(_("record"), max_length=20, choices=Record.choices)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_(
            "The field's name in the API, imports and filters: lower-case letters, digits and "
            "underscores, starting with a letter. It cannot change once saved."
        ),
    )
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_zh = models.CharField(_("label (Chinese)"), max_length=80)
    type = models.CharField(_("type"), max_length=20, choices=FieldType.choices)
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("A person who may edit the field must fill it in when saving the record."),
    )
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    view_roles = models.JSONField(
        _("roles that may see it"),
        default=list,
        blank=True,
        help_text=_("None ticked: every role."),
    )
    edit_roles = models.JSONField(
        _("roles that may edit it"),
        default=list,
        blank=True,
        help_text=_("None ticked: every role that may edit the record."),
    )
    required_for = models.JSONField(
        _("needed for"),
        default=list,
        blank=True,
        help_text=_("The steps that may not be taken while the field is empty."),
    )
    in_list = models.BooleanField(_("show in the list"), default=False)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["record", "order", "pk"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [
            models.UniqueConstraint(fields=["record", "key"], name="customfield_record_key_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The label in the reader's language (Chinese for zh-*, else English)."""
        language = translation.get_language() or ""
        if language.startswith("zh"):
            return self.label_zh or self.label_en
        return self.label_en or self.label_zh

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label in (self.label_en, self.label_zh) if label)

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def model_label(self) -> str:
        return MODELS[self.record]

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES


class CustomValuesMixin(models.Model):
    """The `custom` column of a record that takes custom fields: {key: value} as validated by
    customfields.services (never written directly by a view or serializer)."""

    custom = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        abstract = True
