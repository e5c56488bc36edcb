from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity


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
