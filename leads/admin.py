from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import Lead


class LeadAdminForm(forms.ModelForm):
    """A new owner is checked by the assignment rules before anything is saved."""

    class Meta:
        model = Lead
        fields = ["owner"]  # the admin passes its own field list

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if "owner" in self.changed_data and (owner is not None or self.instance.owner_id):
            try:
                services.check_assignable(lead=self.instance, owner=owner)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["owner"]) from exc
        return owner


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Status is read-only here: transitions run through the record page or the API, where
    the role rules and the log apply. A change of owner runs the assignment service, so the
    new owner gets the record's permissions and the old one loses them."""

    form = LeadAdminForm
    list_display = ["name", "company", "status", "owner", "source", "score", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["name", "company", "email", "phone"]
    list_select_related = ["owner"]
    readonly_fields = [
        "status",
        "account",
        "contact",
        "converted_at",
        "assigned_at",
        "score",
        "created_by",
    ]
    raw_id_fields = ["owner"]

    def save_model(self, request, obj, form, change):
        new_owner = obj.owner
        if "owner" not in form.changed_data or new_owner is None:
            super().save_model(request, obj, form, change)
            return
        # Save everything else under the previous owner; the service moves the ownership.
        obj.owner_id = form.initial.get("owner") if change else None
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        services.lead_assign(lead=obj, owner=new_owner, user=request.user)
