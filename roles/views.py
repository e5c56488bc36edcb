from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .matrix import matrix_sections
from .models import Role


@login_required
def matrix(request):
    sections = matrix_sections()
    return render(
        request,
        "roles/matrix.html",
        {
            "sections": sections,
            "tables": [t for s in sections for t in s["tables"]],
            "roles": Role.choices,
        },
    )
