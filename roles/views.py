from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .matrix import role_matrix
from .models import Role


@login_required
def matrix(request):
    return render(request, "roles/matrix.html", {"tables": role_matrix(), "roles": Role.choices})
