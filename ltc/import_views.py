"""Pages of the imports (ltc.imports): the list of what the user may import, one entity's
upload page with its columns and templates, and a job's progress ending in its report. Each
page checks the entity's policy (403 otherwise); a job is seen only by its uploader."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from roles.policies import can

from . import uploads
from .exports import XLSX_TYPE
from .forms import ImportFileForm
from .imports import (
    get_importer,
    importers_for,
    queue_import,
    template_columns,
    template_csv,
    template_xlsx,
)
from .models import ImportJob


def _importer(request, entity):
    try:
        importer = get_importer(entity)
    except LookupError as exc:
        raise Http404 from exc
    if not importer.allowed(request.user):
        raise PermissionDenied
    return importer


@login_required
def imports(request):
    allowed = importers_for(request.user)
    leads = can(request.user, "leads.import")
    if not allowed and not leads:
        raise PermissionDenied
    recent = ImportJob.objects.filter(user=request.user)[:10]
    return render(
        request,
        "ltc/imports/index.html",
        {"importers": allowed, "leads": leads, "recent": recent},
    )


@login_required
def import_upload(request, entity):
    """Upload: the file's size and archive are checked here; its rows by a Celery task whose
    progress and report the job page shows (the request returns at once)."""
    importer = _importer(request, entity)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = queue_import(
            entity=importer.entity,
            file=form.cleaned_data["file"],
            user=request.user,
            only_good_rows=form.cleaned_data["only_good_rows"],
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
        return redirect(job)
    recent = ImportJob.objects.filter(user=request.user, entity=importer.entity)[:5]
    return render(
        request,
        "ltc/imports/upload.html",
        {
            "importer": importer,
            "form": form,
            "recent": recent,
            "columns": template_columns(importer, request.user),
            "max_upload": uploads.limit("UPLOAD_MAX_BYTES"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_template(request, entity, fmt):
    importer = _importer(request, entity)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(
            template_csv(importer, request.user), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(template_xlsx(importer, request.user), content_type=XLSX_TYPE)
    name = f"{importer.entity}-{_('template')}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def import_job(request, pk):
    """A job's progress (rows checked / total) while it runs, then its report; htmx polls
    the progress part until the job has finished."""
    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    try:
        importer = get_importer(job.entity)
    except LookupError as exc:
        raise Http404 from exc
    template = "ltc/imports/_job.html" if request.htmx else "ltc/imports/job.html"
    report = job.report
    # The full page answers 400 for a file that created nothing; the htmx poll always 200,
    # or htmx would not swap the report in.
    refused = bool(report and report["errors"] and not report["created"])
    status = 400 if refused and not request.htmx else 200
    return render(
        request, template, {"job": job, "report": report, "importer": importer}, status=status
    )
