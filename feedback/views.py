"""Browser pages of the service stage; thin: reads from selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from activities.forms import ActivityForm
from activities.selectors import record_activities
from customers.selectors import account_list, contact_list
from customfields.filters import search_q as custom_search_q
from listviews.lists import open_list
from ltc.errors import Outcome
from ltc.exports import export_page
from ltc.paging import CappedPaginator, filter_by_account
from ltc.selectors import record_history
from ltc.transitions import transitions_for
from roles.policies import can

from . import clock, services
from .exports import SURVEYS, TICKETS
from .forms import FeedbackItemForm, TicketFilterForm, TicketForm
from .listing import TICKET_LIST
from .models import FeedbackStatus, SurveyKind, Ticket, TicketStatus
from .selectors import feedback_item_list, flag_list, survey_list, ticket_list
from .sla import Calendar

PAGE_SIZE = 25


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


def _limit_ticket_form(form, user):
    """Every choice limited to what `user` may see, and the contact and order choices to the
    chosen account's (the account select reloads them with htmx; a posted contact or order
    of another account fails as an invalid choice, and the service checks it again)."""
    from orders.selectors import order_list

    accounts = account_list(user=user)
    form.fields["account"].queryset = accounts
    account_id = form["account"].value()
    account = None
    if account_id not in (None, ""):
        account = accounts.filter(pk=account_id).first() if str(account_id).isdigit() else None
    form.fields["contact"].queryset = contact_list(user=user).filter(account=account)
    form.fields["order"].queryset = order_list(user=user).filter(account=account)


# --- tickets -------------------------------------------------------------------------------------
@login_required
def ticket_index(request):
    listing = open_list(request, TICKET_LIST)
    if listing.redirect:
        return listing.redirect  # the user's default view
    qs = filter_by_account(request, ticket_list(user=request.user))
    status = request.GET.get("status", "")
    if status in TicketStatus.values:
        qs = qs.filter(status=status)
    role = request.GET.get("assigned_role", "")
    if role in ("service", "operations"):
        qs = qs.filter(assigned_role=role)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(subject__icontains=q) | custom_search_q(Ticket, request.user, q))
    filter_form = TicketFilterForm(request.GET or None, user=request.user)
    filter_form.is_valid()  # the custom field filters; a bad one is shown with its error
    qs = filter_form.filter_custom(qs)
    qs = listing.sorted(qs)
    if download := export_page(request, TICKETS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/ticket_list.html",
        {
            "page": page,
            "statuses": TicketStatus.choices,
            "status": status,
            "q": q,
            "filter_form": filter_form,
            "listing": listing,
            "can_create": can(request.user, "feedback.ticket_create"),
        },
    )


@login_required
def ticket_detail(request, pk):
    ticket = _get(ticket_list(user=request.user), pk)
    calendar = Calendar.current()
    changes = clock.changes_by_ticket([ticket.pk]).get(ticket.pk, [])
    clocks = []
    for target in clock.TARGETS:
        state = clock.ticket_clock(ticket, target, changes=changes, calendar=calendar)
        clocks.append(
            {
                "label": services.TARGET_LABELS[target],
                "state": state,
                "due_at": state.due_at(calendar),
                "breached_at": getattr(ticket, f"{target}_breached_at"),
            }
        )
    return render(
        request,
        "feedback/ticket_detail.html",
        {
            "ticket": ticket,
            "transitions": [t for t in transitions_for(ticket, request.user) if t["allowed"]],
            "history": record_history(ticket),
            "activities": record_activities(ticket),
            "activity_form": ActivityForm(),
            "clocks": clocks,
            "surveys": list(ticket.surveys.all()),
            "can_reply": can(request.user, "feedback.ticket_handle"),
        },
    )


@login_required
def ticket_create(request):
    if not can(request.user, "feedback.ticket_create"):
        raise PermissionDenied
    form = TicketForm(
        request.POST or None, initial={"account": request.GET.get("account")}, user=request.user
    )
    _limit_ticket_form(form, request.user)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            ticket = services.ticket_create(user=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Ticket opened."))
            return redirect(ticket)
    return render(request, "feedback/ticket_form.html", {"form": form}, status=outcome.status)


@login_required
@require_POST
def ticket_reply(request, pk):
    ticket = _get(ticket_list(user=request.user), pk)
    with Outcome(request) as outcome:
        services.ticket_reply(user=request.user, ticket=ticket, body=request.POST.get("body", ""))
    if outcome.ok:
        messages.success(request, _("Reply recorded."))
    return redirect(ticket)


# --- surveys -------------------------------------------------------------------------------------
@login_required
def survey_index(request):
    qs = survey_list(user=request.user)
    account = request.GET.get("account", "")
    if account.isdigit():
        qs = qs.filter(account_id=int(account))
    kind = request.GET.get("kind", "")
    if kind in SurveyKind.values:
        qs = qs.filter(kind=kind)
    if download := export_page(request, SURVEYS, qs):
        return download
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/survey_list.html", {"page": page, "kinds": SurveyKind.choices})


@login_required
@require_POST
def survey_resend(request, pk):
    """Email an unanswered survey's link again (service, a manager, the account's owner)."""
    survey = get_object_or_404(survey_list(user=request.user), pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("feedback:survey-list")
    try:
        survey = services.survey_resend(user=request.user, survey=survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("Survey link sent again to %(email)s.") % {"email": survey.email})
    return redirect(back)


@never_cache
def survey_answer(request, token):
    """The public page a customer reaches from the emailed link: no login, in the survey's
    language; a forged link is 400, an expired or used one 410, a bad answer 400."""
    try:
        survey = services.survey_from_link(token)
    except services.SurveyLinkError as exc:
        return render(
            request, "feedback/survey_public.html", {"error": exc.message}, status=exc.status
        )
    translation.activate(survey.language)
    request.LANGUAGE_CODE = survey.language
    context = {"survey": survey, "scores": range(survey.score_range[0], survey.score_range[1] + 1)}
    if request.method == "POST":
        try:
            services.survey_answer(
                token=token,
                score=request.POST.get("score"),
                comment=request.POST.get("comment", ""),
            )
        except services.SurveyLinkError as exc:
            context.update(
                error=exc.message,
                chosen=request.POST.get("score"),
                comment=request.POST.get("comment", ""),
            )
            if exc.status == 410:
                context.pop("survey")
            return render(request, "feedback/survey_public.html", context, status=exc.status)
        return render(request, "feedback/survey_public.html", {"thanks": True})
    return render(request, "feedback/survey_public.html", context)


# --- account flags -------------------------------------------------------------------------------
@login_required
def flag_index(request):
    qs = flag_list(user=request.user)
    if request.GET.get("all") != "1":
        qs = qs.filter(cleared_at__isnull=True)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/flag_list.html",
        {"page": page, "can_clear": can(request.user, "feedback.flag_clear")},
    )


@login_required
@require_POST
def flag_clear(request, pk):
    flag = _get(flag_list(user=request.user), pk)
    services.account_flag_clear(flag=flag, user=request.user)
    messages.success(request, _("Flag cleared."))
    return redirect("feedback:flag-list")


# --- feedback items ------------------------------------------------------------------------------
@login_required
def item_index(request):
    qs = feedback_item_list(user=request.user)
    status = request.GET.get("status", "")
    if status in FeedbackStatus.values:
        qs = qs.filter(status=status)
    can_create = can(request.user, "feedback.item_create")
    form = FeedbackItemForm(request.POST or None, user=request.user) if can_create else None
    if form is not None:
        form.fields["account"].queryset = account_list(user=request.user)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.feedback_item_create(user=request.user, **form.cleaned_data)
            messages.success(request, _("Feedback recorded and routed."))
            return redirect("feedback:item-list")
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/item_list.html",
        {
            "page": page,
            "form": form,
            "statuses": FeedbackStatus.choices,
            "status": status,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def item_status(request, pk):
    item = _get(feedback_item_list(user=request.user), pk)
    with Outcome(request):
        services.feedback_item_set_status(
            user=request.user, item=item, status=request.POST.get("status", "")
        )
    return redirect("feedback:item-list")
