from django import forms
from django.utils.translation import gettext_lazy as _

from roles.models import Team

from .selectors import shareable_teams


class SaveViewForm(forms.Form):
    """ "Save current as…": the list's whole state (`state`, its query string) under a name."""

    list_name = forms.CharField(widget=forms.HiddenInput)
    state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    name = forms.CharField(label=_("Name"), max_length=80)
    shared_team = forms.ModelChoiceField(
        label=_("Share with team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Only me"),
    )
    make_default = forms.BooleanField(label=_("Open this list with it"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_team"].queryset = shareable_teams(user=user)


class RenameViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
