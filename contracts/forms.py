from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin
from ltc.forms import VisibleChoicesMixin
from ltc.uploads import LimitedFileField

from .models import Contract, ContractStatus, MilestoneTrigger


class SignForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signing date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    signed_by_name = forms.CharField(label=_("Signed by (customer)"), max_length=200)


class ContractFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Contract

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *ContractStatus.choices]


class ContractForm(CustomFieldsFormMixin, VisibleChoicesMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["start_date", "end_date", "signatories", "terms"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "terms": forms.Textarea(attrs={"rows": 4}),
            "signatories": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatories"].queryset = self.instance.account.contacts.all()
        self.fields["signatories"].required = False


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=120, required=False)
    percentage = forms.DecimalField(
        label=_("%"), max_digits=7, decimal_places=4, required=False, min_value=0
    )
    amount = forms.DecimalField(
        label=_("or amount"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    trigger = forms.ChoiceField(label=_("Trigger"), initial=MilestoneTrigger.ON_SIGNING)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    payment_terms_days = forms.IntegerField(
        label=_("Terms (days)"), min_value=0, max_value=365, initial=30
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger"].choices = MilestoneTrigger.choices


# One blank row for a new milestone; the page script adds and removes rows in place.
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=1, can_delete=True)


class AttachmentForm(forms.Form):
    file = LimitedFileField(label=_("File"))
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=200, required=False)
