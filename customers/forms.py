from django import forms
from django.utils.translation import gettext_lazy as _

from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin
from ltc.forms import ConfirmDuplicateMixin, VisibleChoicesMixin

from .models import Account, Contact, Industry


class AccountForm(CustomFieldsFormMixin, ConfirmDuplicateMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Account
        fields = [
            "name",
            "industry",
            "website",
            "phone",
            "email",
            "address",
            "tax_id",
            "credit_limit",
            "currency",
            "notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ContactForm(CustomFieldsFormMixin, VisibleChoicesMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "account",
            "name",
            "title",
            "email",
            "phone",
            "is_primary",
            "is_billing",
            "language",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts


class AccountFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Account

    q = forms.CharField(label=_("Search"), required=False)
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("Any industry")), *Industry.choices]
    )


class ContactFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Contact

    q = forms.CharField(label=_("Search"), required=False)


class MergeForm(forms.Form):
    """The record to merge into the one at hand, by its number."""

    source = forms.IntegerField(label=_("Number (ID) of the duplicate"), min_value=1)
