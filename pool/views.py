from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ltc.paging import CappedPaginator
from roles.permissions import has_role

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
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_claim = has_role(request.user, "sales")
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
    try:
        record = services.pool_claim(user=request.user, entry_id=pk)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("pool:list")
    except services.AlreadyClaimed as exc:
        messages.error(request, str(exc))
        return redirect("pool:list")
    messages.success(request, _("Claimed: %(record)s") % {"record": record})
    return redirect(record.get_absolute_url())
