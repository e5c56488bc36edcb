from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import MIN_LENGTH, global_search


@login_required
def search(request):
    """The full results page, and (for htmx) the drop-down under the top bar's box."""
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "query": query,
        "groups": global_search(user=request.user, query=query),
        "min_length": MIN_LENGTH,
    }
    template = "search/results_dropdown.html" if request.htmx else "search/results.html"
    return render(request, template, context)
