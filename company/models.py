"""The seller's details printed on quotes, contracts, invoices and statements."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .validators import validate_image_size, validate_tax_id

IMAGE_TYPES = ["png", "jpg", "jpeg"]


class CompanyProfile(models.Model):
    """One row (pk 1): the company that issues the documents."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    english_name = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("Printed on English documents; the legal name when empty."),
    )
    address = models.TextField(_("address"), blank=True)
    english_address = models.TextField(
        _("address in English"),
        blank=True,
        help_text=_("Printed on English documents; the address when empty."),
    )
    tax_id = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_tax_id],
        help_text=_("统一社会信用代码: 18 characters, the last one a check digit."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=60, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="company/",
        blank=True,
        validators=[FileExtensionValidator(IMAGE_TYPES), validate_image_size],
        help_text=_("PNG or JPEG, at most 2 MB; printed at the top of each document."),
    )
    seal = models.ImageField(
        _("seal or signature"),
        upload_to="company/",
        blank=True,
        validators=[FileExtensionValidator(IMAGE_TYPES), validate_image_size],
        help_text=_(
            "PNG or JPEG, at most 2 MB; printed in the signature area. Without it the area "
            "is left blank for a seal by hand."
        ),
    )
    quote_terms = models.TextField(
        _("terms printed on quotes"),
        blank=True,
        help_text=_("Payment, delivery and other terms; every quote prints them."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "ltc_companyprofile"
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")

    def __str__(self):
        return self.legal_name

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language() or ""
        if language.startswith("en") and self.english_name:
            return self.english_name
        return self.legal_name

    def display_address(self, language: str | None = None) -> str:
        language = language or get_language() or ""
        if language.startswith("en") and self.english_address:
            return self.english_address
        return self.address
