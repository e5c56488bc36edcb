from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, BotWebhook


class CommentForm(forms.Form):
    """The optional comment of a transition (an approval, a sign-off, a submission)."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    """The required reason of a transition that ends or refuses something (reject, void,
    cancel, terminate, disqualify, reverse)."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ActivityForm(forms.ModelForm):
    done = forms.BooleanField(label=_("Already done"), required=False)

    class Meta:
        model = Activity
        fields = ["kind", "subject", "notes", "due_at", "next_follow_up_at"]
        widgets = {
            "due_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "next_follow_up_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class BotWebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every event."),
    )
    url = forms.URLField(label=_("Webhook URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = BotWebhook
        fields = ["team", "provider", "name", "url", "secret", "events", "active"]

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .events import EVENTS

        self.fields["events"].choices = [(k, v) for k, v in EVENTS.items()]
        if teams is not None:
            self.fields["team"].queryset = teams
