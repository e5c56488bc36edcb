from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin

from .models import Order, OrderStatus


class ConfirmForm(forms.Form):
    promised_delivery_date = forms.DateField(
        label=_("Promised delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    proof_of_delivery = forms.CharField(
        label=_("Proof of delivery (received by, document no.)"), required=False, max_length=300
    )


ACCEPTANCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class AcceptForm(forms.Form):
    """The customer's acceptance (验收): the date and, optionally, the signed document (PDF
    or image, at most LTC["ACCEPTANCE_DOCUMENT_MAX_MB"])."""

    accepted_on = forms.DateField(
        label=_("Accepted on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    document = forms.FileField(
        label=_("Acceptance document (PDF or image)"),
        required=False,
        validators=[FileExtensionValidator(ACCEPTANCE_EXTENSIONS)],
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        limit = settings.LTC["ACCEPTANCE_DOCUMENT_MAX_MB"]
        if document and document.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The document is larger than %(limit)s MB.") % {"limit": limit}
            )
        return document


class OrderCustomFieldsForm(CustomFieldsFormMixin, forms.Form):
    """The custom fields of an order that `user` may edit (an order has no other form)."""

    custom_model = Order

    def __init__(self, *args, order: Order, **kwargs):
        self.instance = order
        super().__init__(*args, **kwargs)


class OrderFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Order

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *OrderStatus.choices]


class ShipmentForm(forms.Form):
    """A shipment of an order: carrier, tracking number and a quantity per order line (blank or
    zero for lines not in this shipment)."""

    # Required for goods, checked by the service against the products shipped.
    carrier = forms.CharField(
        label=_("Carrier"), max_length=100, required=False, help_text=_("Required for goods.")
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=100,
        required=False,
        help_text=_("Required for goods."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, order_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = list(order_lines)
        for line in self.order_lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=_("%(line)s (left: %(remaining)s)")
                % {"line": line, "remaining": f"{line.remaining.normalize():f}"},
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=3,
                initial=None,
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.order_lines]

    def shipment_lines(self) -> list[dict]:
        rows = []
        for line in self.order_lines:
            quantity = self.cleaned_data.get(f"line_{line.pk}")
            if quantity:
                rows.append({"order_line": line.pk, "quantity": quantity})
        return rows
