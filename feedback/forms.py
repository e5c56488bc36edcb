from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin
from ltc.forms import VisibleChoicesMixin

from .models import FeedbackItem, Ticket, TicketStatus


class TicketFilterForm(CustomFilterFormMixin, forms.Form):
    """The ticket list's filters (and a `cf_<key>` one per custom field), as the page reads
    them and a saved list view checks them."""

    custom_model = Ticket

    q = forms.CharField(label=_("Search subject"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", ""), *TicketStatus.choices]
    )
    assigned_role = forms.ChoiceField(
        label=_("Handled by"),
        required=False,
        choices=[
            ("", _("Handled by anyone")),
            ("service", _("Customer service")),
            ("operations", _("Operations")),
        ],
    )


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


class TicketForm(CustomFieldsFormMixin, VisibleChoicesMixin, forms.ModelForm):
    # The fields that belong to the chosen account, reloaded when it changes.
    ACCOUNT_LINKS = ("contact", "order")

    class Meta:
        model = Ticket
        fields = ["subject", "category", "priority", "account", "contact", "order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.attrs.update(
            {
                "hx-get": reverse("feedback:ticket-create"),
                "hx-trigger": "change",
                "hx-target": "#ticket-links",
                "hx-select": "#ticket-links",
                "hx-swap": "outerHTML",
            }
        )
        for name in self.ACCOUNT_LINKS:
            self.fields[name].help_text = _("Only those of the chosen account are listed.")

    def main_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.ACCOUNT_LINKS]

    def link_fields(self):
        return [self[name] for name in self.ACCOUNT_LINKS]


class FeedbackItemForm(VisibleChoicesMixin, forms.ModelForm):
    class Meta:
        model = FeedbackItem
        fields = ["kind", "category", "title", "account", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
