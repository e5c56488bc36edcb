from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin
from leads.forms import SourceChoiceMixin
from ltc.forms import VisibleChoicesMixin

from .models import LostReason, Opportunity, Quote


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Customer's reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class LoseForm(forms.Form):
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=LostReason.objects.filter(active=True)
    )
    lost_note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- page forms ---------------------------------------------------------------------------------
def _people(role):
    from roles.permissions import users_with_role

    return users_with_role(role)


class OpportunityForm(
    CustomFieldsFormMixin, SourceChoiceMixin, VisibleChoicesMixin, forms.ModelForm
):
    class Meta:
        from .models import Opportunity

        model = Opportunity
        fields = [
            "name",
            "account",
            "contact",
            "amount",
            "currency",
            "expected_close_date",
            "probability",
            "source",
            "next_step",
            "next_follow_up_at",
            "competitors",
        ]
        widgets = {
            "expected_close_date": forms.DateInput(attrs={"type": "date"}),
            "next_follow_up_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }


class TeamForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Account owner (sales)"), queryset=None)
    solution_owner = forms.ModelChoiceField(
        label=_("Solution owner (sales support)"), queryset=None, required=False
    )
    fulfilment_owner = forms.ModelChoiceField(
        label=_("Fulfilment owner (operations)"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people("sales")
        self.fields["solution_owner"].queryset = _people("sales_support")
        self.fields["fulfilment_owner"].queryset = _people("operations")


class OpportunityFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Opportunity

    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None)
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=None)
    close_month = forms.CharField(
        label=_("Close month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args, **kwargs):
        from roles.models import Team

        from .models import Stage

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *Stage.choices]
        self.fields["owner"].queryset = _people("sales")
        self.fields["team"].queryset = Team.objects.all()

    # The filter bar's options, read once each: a template looping over a model field's
    # choices also counts them (one more query per field).
    @cached_property
    def owner_choices(self) -> list:
        return [(c.value, label) for c, label in self.fields["owner"].choices if c]

    @cached_property
    def team_choices(self) -> list:
        return [(c.value, label) for c, label in self.fields["team"].choices if c]

    def clean_close_month(self):
        value = self.cleaned_data["close_month"].strip()
        if value:
            try:
                year, month = (int(p) for p in value.split("-")[:2])
                if not 1 <= month <= 12:
                    raise ValueError
            except ValueError as exc:
                raise forms.ValidationError(_("Use the form YYYY-MM.")) from exc
        return value


class QuoteForm(CustomFieldsFormMixin, forms.Form):
    """A quote's terms and its custom fields (those `user` may edit); `terms=False` leaves
    only the custom fields (a quote past its draft keeps its terms, Quote.custom_editable)."""

    custom_model = Quote

    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, quote: Quote, terms: bool = True, **kwargs):
        self.instance = quote
        if terms and not args and "initial" not in kwargs:
            kwargs["initial"] = {"valid_until": quote.valid_until, "notes": quote.notes}
        super().__init__(*args, **kwargs)
        if not terms:
            del self.fields["valid_until"]
            del self.fields["notes"]


class QuoteLineForm(VisibleChoicesMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3)
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("Empty: the product's price."),
    )
    discount_pct = forms.DecimalField(
        label=_("Discount %"), required=False, max_digits=5, decimal_places=2, initial=0
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate %"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Empty: the product's rate."),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    def __init__(self, *args, currency=None, **kwargs):
        from catalog.models import Product

        super().__init__(*args, **kwargs)
        products = Product.objects.filter(active=True)
        if currency:
            products = products.filter(currency=currency)
        self.fields["product"].queryset = products


class LostReasonForm(forms.ModelForm):
    """A lost reason on the managers' list page: its name, place in the list, and whether it
    is still offered."""

    class Meta:
        model = LostReason
        fields = ["name", "position", "active"]
        labels = {"active": _("Offered when a deal is lost")}
