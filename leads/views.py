from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.forms import ActivityForm
from activities.selectors import record_activities
from customfields.filters import search_q as custom_search_q
from listviews.lists import open_list
from ltc import extra_fields, uploads
from ltc.duplicates import duplicates_of
from ltc.errors import Outcome
from ltc.exports import export_page
from ltc.paging import CappedPaginator, narrow_search
from ltc.records import has_selector, visible
from ltc.searchtext import has_trigram, search_q
from ltc.selectors import record_history
from ltc.transitions import transitions_for
from roles.permissions import has_role
from roles.policies import can

from . import services
from .exports import LEADS
from .forms import AssignForm, ImportForm, LeadFilterForm, LeadForm
from .importer import lead_import_queue
from .listing import LEAD_LIST
from .models import Lead, LeadImport
from .selectors import lead_can_edit
from .selectors import lead_list as visible_leads

PAGE_SIZE = 25


def _get_lead(request, pk):
    return get_object_or_404(visible_leads(user=request.user), pk=pk)


def _filtered(request):
    form = LeadFilterForm(request.GET or None, user=request.user)
    qs = visible_leads(user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"]:
            # name, company, email, phone; and the text custom fields the user may see
            qs = qs.filter(search_q(q, Lead) | custom_search_q(Lead, request.user, q))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["source"]:
            qs = qs.filter(source=data["source"])
        if data["owner"]:
            qs = qs.filter(owner=data["owner"])
        qs = form.filter_custom(qs)
        if data["q"]:
            qs = narrow_search(qs, indexed=has_trigram(data["q"]))
    return form, qs


@login_required
def lead_list(request):
    if not has_role(request.user, "marketing", "sales", "manager"):
        raise PermissionDenied
    listing = open_list(request, LEAD_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    form, qs = _filtered(request)
    qs = listing.sorted(qs)
    if download := export_page(request, LEADS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "leads/list.html",
        {
            "page": page,
            "filter_form": form,
            "listing": listing,
            "can_create": can(request.user, "leads.create"),
            "can_assign": can(request.user, "leads.assign"),
            "assign_form": AssignForm(),
        },
    )


@login_required
def lead_detail(request, pk):
    lead = _get_lead(request, pk)
    return render(
        request,
        "leads/detail.html",
        {
            "lead": lead,
            "transitions": [t for t in transitions_for(lead, request.user) if t["allowed"]],
            "history": record_history(lead),
            "activities": record_activities(lead),
            "activity_form": ActivityForm(),
            "can_edit": lead_can_edit(user=request.user, lead=lead),
            "can_assign": can(request.user, "leads.assign"),
            "assign_form": AssignForm(initial={"owner": lead.owner_id}),
            "converted_opportunity": _converted_opportunity(lead, request.user),
        },
    )


def _converted_opportunity(lead, user):
    """The opportunity the conversion handed the lead to, when `user` may see it (the
    opportunities stage sits above this one: reached through the reverse relation)."""
    opportunity = getattr(lead, "opportunity", None) if lead.converted_at else None
    if opportunity is None or not has_selector(type(opportunity)):
        return None
    return visible(type(opportunity), user).filter(pk=opportunity.pk).first()


@login_required
def lead_create(request):
    if not can(request.user, "leads.create"):
        raise PermissionDenied
    form = LeadForm(request.POST or None, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_duplicate", False)
        with outcome:
            lead = services.lead_create(user=request.user, confirm_duplicate=confirmed, **data)
        if outcome.ok:
            messages.success(request, _("Lead created."))
            return redirect(lead)
    return render(
        request,
        "leads/form.html",
        {"form": form, "duplicates": duplicates_of(outcome)},
        status=outcome.status,
    )


@login_required
def lead_edit(request, pk):
    lead = _get_lead(request, pk)
    if not lead_can_edit(user=request.user, lead=lead):
        raise PermissionDenied
    form = LeadForm(request.POST or None, instance=lead, user=request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_duplicate", None)  # editing: no duplicate check
        with outcome:
            services.lead_update(lead=lead, user=request.user, **data)
        if outcome.ok:
            messages.success(request, _("Lead saved."))
            return redirect(lead)
    return render(request, "leads/form.html", {"form": form, "lead": lead}, status=outcome.status)


@login_required
@require_POST
def lead_assign(request, pk):
    lead = _get_lead(request, pk)
    if not can(request.user, "leads.assign"):
        raise PermissionDenied
    form = AssignForm(request.POST)
    status = 400
    if form.is_valid():
        with Outcome(request) as outcome:
            services.lead_assign(lead=lead, owner=form.cleaned_data["owner"], user=request.user)
        if outcome.ok:
            messages.success(request, _("Lead assigned."))
            return redirect(lead)
        status = outcome.status
    else:
        messages.error(request, _("Choose a salesperson."))
    # Refused: the lead page again, with the reason and an honest status; nothing changed.
    response = lead_detail(request, pk)
    response.status_code = status
    return response


@login_required
@require_POST
def lead_round_robin(request):
    if not can(request.user, "leads.assign"):
        raise PermissionDenied
    # The list's bulk form names its checkboxes `ids`; only the unassigned leads among them
    # are distributed, the others are counted as left alone.
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 19]
    leads = list(visible_leads(user=request.user).filter(pk__in=ids, owner__isnull=True))
    if not leads:
        messages.error(request, _("Select unassigned leads to distribute."))
    else:
        with Outcome(request) as outcome:
            services.lead_assign_round_robin(leads=leads, user=request.user)
        if outcome.ok:
            messages.success(request, _("%(count)d leads distributed.") % {"count": len(leads)})
            skipped = len(set(ids)) - len(leads)
            if skipped:
                messages.info(
                    request,
                    _(
                        "%(count)d selected leads were left as they were: only unassigned "
                        "leads are distributed."
                    )
                    % {"count": skipped},
                )
    return redirect("leads:list")


@login_required
def lead_import(request):
    """Upload: the file's size and archive are checked here; its rows by a Celery task, whose
    progress and report the job page shows (the request returns at once)."""
    if not can(request.user, "leads.import"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = lead_import_queue(
            file=form.cleaned_data["file"],
            user=request.user,
            only_good_rows=form.cleaned_data["only_good_rows"],
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
        return redirect(job)
    recent = LeadImport.objects.filter(user=request.user)[:5]
    return render(
        request,
        "leads/import.html",
        {
            "form": form,
            "recent": recent,
            "max_upload": uploads.limit("UPLOAD_MAX_BYTES"),
            "custom_columns": extra_fields.template_columns(Lead, request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def lead_import_detail(request, pk):
    """A job's progress (rows checked / total) while it runs, then its report. htmx polls
    the progress part until the job has finished."""
    job = LeadImport.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    template = "leads/_import_job.html" if request.htmx else "leads/import_job.html"
    report = job.report
    # The full page answers 400 for a file that created nothing; the htmx poll always 200,
    # or htmx would not swap the report in.
    refused = bool(report and report["errors"] and not report["created"])
    status = 400 if refused and not request.htmx else 200
    return render(request, template, {"job": job, "report": report}, status=status)
