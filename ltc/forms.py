"""Forms the transitions of several stages share (named by path in `@transition(custom=...)`)."""

from django import forms
from django.utils.translation import gettext_lazy as _


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
