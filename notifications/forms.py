from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BotWebhook


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
