from django import forms

from .models import CompanyProfile
from .validators import normalise_tax_id, validate_tax_id


class CompanyProfileForm(forms.ModelForm):
    # Room for the spaces and dashes people type; stored as the 18 characters.
    tax_id = forms.CharField(
        label=CompanyProfile._meta.get_field("tax_id").verbose_name,
        help_text=CompanyProfile._meta.get_field("tax_id").help_text,
        max_length=30,
        required=False,
    )

    class Meta:
        model = CompanyProfile
        fields = [
            "legal_name",
            "english_name",
            "tax_id",
            "phone",
            "address",
            "english_address",
            "bank_name",
            "bank_account",
            "logo",
            "seal",
            "quote_terms",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "english_address": forms.Textarea(attrs={"rows": 2}),
            "quote_terms": forms.Textarea(attrs={"rows": 4}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
            "seal": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def clean_tax_id(self):
        value = normalise_tax_id(self.cleaned_data.get("tax_id", ""))
        validate_tax_id(value)
        return value
