from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .tokens import token_issue, token_list, token_revoke, ttl_days


@login_required
def tokens(request):
    """Your API tokens: create one (its key is shown on this answer only), list, revoke."""
    new_key = None
    if request.method == "POST":
        _token, new_key = token_issue(user=request.user, name=request.POST.get("name", ""))
    return render(
        request,
        "roles/tokens.html",
        {"tokens": token_list(user=request.user), "new_key": new_key, "ttl_days": ttl_days()},
    )


@login_required
@require_POST
def token_revoke_view(request, pk):
    token = token_list(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(token=token, user=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("roles:tokens")
