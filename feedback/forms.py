from django import forms
from django.utils.translation import gettext_lazy as _

from ltc.forms import VisibleChoicesMixin

from .models import FeedbackItem, Ticket


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    comment = forms.CharField(label="", required=False, widget=forms.HiddenInput)

    def clean_resolution(self):
        value = (self.cleaned_data.get("resolution") or "").strip()
        if not value:
            raise forms.ValidationError(_("Describe how the case was resolved."))
        return value


class TicketForm(VisibleChoicesMixin, forms.ModelForm):
    class Meta:
        model = Ticket
        fields = ["subject", "category", "priority", "account", "contact", "order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class FeedbackItemForm(VisibleChoicesMixin, forms.ModelForm):
    class Meta:
        model = FeedbackItem
        fields = ["kind", "category", "title", "account", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
