from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ltc.errors import report_form, reshow
from ltc.exports import export_page
from ltc.paging import CappedPaginator
from ltc.records import get_visible_or_404
from notifications.views import safe_next

from . import selectors, services
from .exports import ACTIVITIES
from .forms import ActivityForm
from .models import Activity


@login_required
def activities(request):
    qs = selectors.open_activities(user=request.user)
    if download := export_page(request, ACTIVITIES, qs):
        return download
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "activities/activities.html", {"page": page})


@login_required
@require_POST
def activity_done(request, pk):
    activity = get_object_or_404(Activity, pk=pk, owner=request.user)
    services.activity_complete(activity=activity, user=request.user)
    return redirect(safe_next(request, "activities"))


@login_required
@require_POST
def activity_add(request, app_label, model, pk):
    record = get_visible_or_404(app_label, model, pk, request.user)
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.activity_create(
            record=record,
            owner=request.user,
            kind=data["kind"],
            subject=data["subject"],
            notes=data["notes"],
            due_at=data["due_at"],
            next_follow_up_at=data["next_follow_up_at"],
            done=data["done"],
        )
        messages.success(request, _("Activity logged."))
        return redirect(record.get_absolute_url())
    return reshow(request, record.get_absolute_url(), report_form(request, form))
