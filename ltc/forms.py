"""Forms the transitions of several stages share (named by path in `@transition(custom=...)`),
and the mixin that limits every record choice of a form to what its user may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .records import limit_to_visible
from .uploads import SpreadsheetFileField


class VisibleChoicesMixin:
    """A form whose every record choice is limited to what `user` may see (ltc.records).

    Pass `user=` when building the form. Each ModelChoiceField / ModelMultipleChoiceField is
    narrowed the first time the form is rendered or validated, so after the form's own
    __init__ has set its querysets: a posted id of a record the user may not see fails as an
    invalid choice, and such records are never listed. Without a user, no choice of a
    declared model is valid.
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


class ConfirmDuplicateMixin(forms.Form):
    """The box a person ticks to create a record that looks like an existing one
    (ltc/duplicates.py); shown only with the matches (includes/duplicates.html)."""

    confirm_duplicate = forms.BooleanField(
        label=_("I checked the matches: create it anyway"), required=False
    )


class ImportFileForm(forms.Form):
    """A spreadsheet to import: size and archive checked here (ltc.uploads), rows by the
    import's task."""

    file = SpreadsheetFileField(label=_("CSV or XLSX file"))
    only_good_rows = forms.BooleanField(
        label=_("Import only the good rows and skip the bad ones"), required=False
    )
