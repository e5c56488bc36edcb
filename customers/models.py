from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customfields.models import CustomValuesMixin
from ltc.audit import audit_history
from ltc.money import CurrencyField, MoneyField
from ltc.searchtext import search_text_field

from .names import company_key
from .phones import PhoneKey, validate_phone


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail and e-commerce")
    SOFTWARE = "software", _("Software and internet")
    FINANCE = "finance", _("Financial services")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    LOGISTICS = "logistics", _("Logistics")
    OTHER = "other", _("Other")


class Account(CustomValuesMixin, models.Model):
    """A customer company; shared by every stage."""

    name = models.CharField(_("name"), max_length=200)
    # The name as compared for duplicates (customers.names), kept by save().
    name_key = models.CharField(_("name key"), max_length=200, blank=True, editable=False)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    # Digits-only phone (customers.phones) maintained by the database, for duplicate checks.
    phone_key = models.GeneratedField(
        expression=PhoneKey("phone"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
        verbose_name=_("phone key"),
    )
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)
    # What the searches look in, one trigram-indexed column (ltc/searchtext.py).
    search_text = search_text_field("name", "tax_id", "email", "phone")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    credit_limit = MoneyField(_("credit limit"), null=True, blank=True)
    currency = CurrencyField()
    notes = models.TextField(_("notes"), blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(Lower("name"), name="account_name_lower_idx"),
            models.Index(fields=["owner", "name"], name="account_owner_idx"),
            models.Index(fields=["industry"], name="account_industry_idx"),
            models.Index(fields=["name_key"], name="account_name_key_idx"),
            models.Index(fields=["phone_key"], name="account_phone_key_idx"),
            models.Index(Lower("email"), name="account_email_lower_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("name",)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = company_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("customers:account-detail", args=[self.pk])

    def record_activity(self, activity):
        Account.objects.filter(pk=self.pk).update(last_activity_at=activity.created_at)


class Contact(CustomValuesMixin, models.Model):
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    # Digits-only phone (customers.phones) maintained by the database, for duplicate checks.
    phone_key = models.GeneratedField(
        expression=PhoneKey("phone"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
        verbose_name=_("phone key"),
    )
    search_text = search_text_field("name", "email", "phone")
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_billing = models.BooleanField(_("billing contact"), default=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(Lower("email"), name="contact_email_lower_idx"),
            models.Index(fields=["account", "name"], name="contact_account_idx"),
            models.Index(fields=["phone"], name="contact_phone_idx"),
            models.Index(fields=["phone_key"], name="contact_phone_key_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:contact-detail", args=[self.pk])
