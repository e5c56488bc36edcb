from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from roles.policies import can

from . import services
from .forms import CompanyProfileForm
from .selectors import company_profile


@login_required
def company_settings(request):
    """The company details printed on documents: managers and administrators only."""
    if not can(request.user, "company.settings"):
        raise PermissionDenied(_("Only a manager or an administrator edits the company details."))
    profile = company_profile()
    form = CompanyProfileForm(request.POST or None, request.FILES or None, instance=profile)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.company_profile_save(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Company details saved; new documents print them."))
                return redirect("company:settings")
        status = 400
    return render(
        request, "company/settings.html", {"form": form, "profile": profile}, status=status
    )
