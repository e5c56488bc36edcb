from django import forms
from django.utils.translation import gettext_lazy as _

from customfields.forms import CustomFieldsFormMixin, CustomFilterFormMixin

from .models import Product


class ProductForm(CustomFieldsFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "code",
            "name",
            "description",
            "unit",
            "price",
            "currency",
            "tax_rate",
            "is_goods",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ProductFilterForm(CustomFilterFormMixin, forms.Form):
    custom_model = Product

    q = forms.CharField(label=_("Search"), required=False)
    active = forms.NullBooleanField(label=_("Active"), required=False)
