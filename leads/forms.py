from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from customers.models import Account
from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin
from ltc.forms import ConfirmDuplicateMixin, VisibleChoicesMixin
from ltc.uploads import SpreadsheetFileField
from roles.permissions import users_with_role

from .models import Lead


class SourceChoiceMixin:
    """The "source" field offers the active lead sources (a business rule), and the record's
    own source even if it has been retired since."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from rules.accessors import lead_source_choices

        instance = getattr(self, "instance", None)
        keep = instance.source if instance is not None and instance.pk else None
        field = self.fields["source"]
        self.fields["source"] = forms.ChoiceField(
            label=field.label,
            required=field.required,
            initial=field.initial,
            choices=lead_source_choices(keep=keep),
        )


class LeadForm(CustomFieldsFormMixin, SourceChoiceMixin, ConfirmDuplicateMixin, forms.ModelForm):
    class Meta:
        model = Lead
        fields = [
            "name",
            "company",
            "title",
            "email",
            "phone",
            "source",
            "campaign",
            "need",
            "budget",
            "currency",
            "expected_close_date",
            "decision_maker",
            "next_follow_up_at",
            "notes",
        ]
        widgets = {
            "expected_close_date": forms.DateInput(attrs={"type": "date"}),
            "next_follow_up_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "need": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("phone")):
            raise forms.ValidationError(_("Give an email or a phone number to reach the lead."))
        return data


class QualifyForm(forms.Form):
    """BANT: the four facts a lead needs to qualify; blank ones fall back to the lead's."""

    need = forms.CharField(
        label=_("Need"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget = forms.DecimalField(
        label=_("Budget"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    expected_close_date = forms.DateField(
        label=_("Timeline (expected close)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decision_maker = forms.CharField(label=_("Decision maker"), required=False, max_length=120)
    comment = forms.CharField(label=_("Comment"), required=False)

    @staticmethod
    def initial_for(lead) -> dict:
        """The dialog opens with the BANT facts the lead already has."""
        return {
            "need": lead.need,
            "budget": lead.budget,
            "expected_close_date": lead.expected_close_date,
            "decision_maker": lead.decision_maker,
        }


class ConvertForm(VisibleChoicesMixin, forms.Form):
    account = forms.ModelChoiceField(
        label=_("Link to existing account"),
        queryset=Account.objects.all(),
        required=False,
        help_text=_("Leave empty to find the account by company name or create it."),
    )
    comment = forms.CharField(label=_("Comment"), required=False)


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_role("sales")


class LeadFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Lead

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=get_user_model().objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from rules.accessors import lead_sources

        from .models import LeadStatus

        self.fields["status"].choices = [("", _("Any status")), *LeadStatus.choices]
        # every source, retired ones too: old leads stay findable by theirs
        self.fields["source"].choices = [
            ("", _("Any source")),
            *((s.value, s.label) for s in lead_sources()),
        ]
        self.fields["owner"].queryset = users_with_role("sales")


class ImportForm(forms.Form):
    file = SpreadsheetFileField(label=_("CSV or XLSX file"))
    only_good_rows = forms.BooleanField(
        label=_("Import only the good rows and skip the bad ones"), required=False
    )
