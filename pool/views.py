from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ltc.errors import Outcome
from roles.policies import can

from . import services
from .selectors import pool_list, pool_visible

PAGE_SIZE = 25


@login_required
def pool_index(request):
    if not pool_visible(request.user):
        raise PermissionDenied
    qs = pool_list(user=request.user)
    kind = request.GET.get("kind", "")
    if kind == "lead":
        qs = qs.filter(lead__isnull=False)
    elif kind == "account":
        qs = qs.filter(account__isnull=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_claim = can(request.user, "pool.claim")
    return render(
        request,
        "pool/list.html",
        {
            "page": page,
            "kind": kind,
            "can_claim": can_claim,
            "limit": services.daily_limit(),
            "claimed_today": services.claims_today(request.user) if can_claim else 0,
            "return_days": services.return_days(),
        },
    )


@login_required
@require_POST
def pool_claim(request, pk):
    with Outcome(request) as outcome:
        record = services.pool_claim(user=request.user, entry_id=pk)
    if not outcome.ok:
        return redirect("pool:list")
    messages.success(request, _("Claimed: %(record)s") % {"record": record})
    return redirect(record.get_absolute_url())
