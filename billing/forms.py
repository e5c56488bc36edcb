from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ltc.forms import VisibleChoicesMixin
from ltc.uploads import LimitedFileField


class IssueForm(forms.Form):
    issue_date = forms.DateField(
        label=_("Issue date"),
        required=False,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today when left empty; the due date follows from the payment terms."),
    )


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import InvoiceStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *InvoiceStatus.choices]


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import PaymentStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *PaymentStatus.choices]


class InvoiceHeaderForm(VisibleChoicesMixin, forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=None)
    currency = forms.ChoiceField(label=_("Currency"))
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from customers.models import Account
        from ltc.money import currency_choices, default_currency

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.order_by("name")
        self.fields["currency"].choices = currency_choices()
        self.fields["currency"].initial = default_currency()


class InvoiceLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=3, min_value=0, required=False
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate %"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        initial=13,
    )


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=4)


class PaymentForm(VisibleChoicesMixin, forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=None)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("Currency"))
    date = forms.DateField(
        label=_("Date received"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    method = forms.ChoiceField(label=_("Method"))
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    invoice = forms.ModelChoiceField(
        label=_("Apply to invoice"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to keep the money as the account's credit."),
    )
    allocate = forms.DecimalField(
        label=_("Amount applied"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Defaults to the smaller of the amount and the invoice's balance."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from customers.models import Account
        from ltc.money import currency_choices, default_currency

        from .models import OPEN_STATES, Invoice, PaymentMethod

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.order_by("name")
        self.fields["currency"].choices = currency_choices()
        self.fields["currency"].initial = default_currency()
        self.fields["method"].choices = PaymentMethod.choices
        self.fields["invoice"].queryset = (
            Invoice.objects.filter(status__in=OPEN_STATES, balance__gt=0)
            .select_related("account")
            .order_by("due_date", "pk")
        )
        self.fields["invoice"].label_from_instance = lambda i: (
            f"{i.number} · {i.account.name} · {i.balance} {i.currency}"
        )


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AllocateForm(forms.Form):
    invoice = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)


class StatementUploadForm(forms.Form):
    file = LimitedFileField(
        label=_("Bank statement (CSV)"), help_text=_("Columns: date, amount, reference, payer")
    )
    currency = forms.ChoiceField(label=_("Currency"))

    def __init__(self, *args, **kwargs):
        from ltc.money import currency_choices, default_currency

        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        self.fields["currency"].initial = default_currency()


class ManualMatchForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=30)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
