from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from roles.models import Team

from .models import PeriodKind, Target, TargetMetric

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class TargetForm(forms.ModelForm):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, label=_("Person")
    )
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, label=_("Team"))
    period_kind = forms.ChoiceField(choices=PeriodKind.choices, label=_("Period"))
    metric = forms.ChoiceField(choices=TargetMetric.choices, label=_("Metric"))
    period_start = forms.DateField(
        label=_("First day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Target
        fields = ["owner", "team", "period_kind", "period_start", "metric", "value", "currency"]

    def _post_clean(self):
        """The model's rules (one subject, not negative, once per period) are checked by
        kpis.services.clean_target, which names the field each error concerns."""


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSX file"),
        help_text=_(
            "Columns: person (username) or team (name), period (month/quarter), period start "
            "(YYYY-MM-DD), metric, value, currency. At most 2 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file."))
        return upload
