from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, BotWebhook
from .records import limit_to_visible


class VisibleChoicesMixin:
    """A form whose every record choice is limited to what `user` may see (ltc.records).

    Pass `user=` when building the form. Each ModelChoiceField / ModelMultipleChoiceField is
    narrowed the first time the form is rendered or validated, so after the form's own
    __init__ has set its querysets: a posted id of a record the user may not see fails as an
    invalid choice, and such records are never listed. Without a user, no choice of a
    registered model is valid.
    """

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self._choices_limited = False
        super().__init__(*args, **kwargs)

    def limit_choices(self):
        if self._choices_limited:
            return
        self._choices_limited = True
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                field.queryset = limit_to_visible(field.queryset, self.user)

    def full_clean(self):
        self.limit_choices()
        super().full_clean()

    def __getitem__(self, name):
        self.limit_choices()
        return super().__getitem__(name)


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
