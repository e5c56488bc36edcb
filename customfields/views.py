"""The custom fields page: managers and administrators define the fields of each kind of
record (add, change, retire, restore); others get a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ltc.errors import Outcome
from roles.models import Role
from roles.policies import require

from . import services
from .forms import DefinitionForm
from .models import CustomFieldDefinition, FieldType, Record
from .selectors import definitions_of


def _record(value: str) -> str:
    if value not in Record.values:
        raise Http404
    return value


@login_required
def definition_list(request):
    require(request.user, "customfields.manage")
    record = request.GET.get("record") or Record.LEAD
    record = _record(record)
    role_labels = dict(Role.choices)
    steps = dict(services.transition_names(record))
    rows = [
        {
            "definition": d,
            "type": FieldType(d.type).label,
            "view_roles": ", ".join(str(role_labels.get(r, r)) for r in d.view_roles),
            "edit_roles": ", ".join(str(role_labels.get(r, r)) for r in d.edit_roles),
            "required_for": ", ".join(steps.get(n, n) for n in d.required_for),
        }
        for d in definitions_of(record, retired=True)
    ]
    return render(
        request,
        "customfields/definitions.html",
        {"record": record, "records": Record.choices, "rows": rows},
    )


def _list_url(record: str) -> str:
    return f"{reverse('customfields:list')}?record={record}"


@login_required
def definition_create(request):
    require(request.user, "customfields.manage")
    record = _record(request.GET.get("record") or "")
    form = DefinitionForm(request.POST or None, record=record)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            definition = services.definition_save(user=request.user, record=record, **form.values())
        if outcome.ok:
            messages.success(request, _("Field “%(label)s” added.") % {"label": definition.label})
            return redirect(_list_url(record))
    return render(
        request,
        "customfields/definition_form.html",
        {"form": form, "record": record, "record_label": Record(record).label},
        status=outcome.status,
    )


@login_required
def definition_edit(request, pk):
    require(request.user, "customfields.manage")
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    form = DefinitionForm(request.POST or None, record=definition.record, definition=definition)
    outcome = Outcome(request, form=form)
    if request.method == "POST" and form.is_valid():
        with outcome:
            services.definition_save(user=request.user, definition=definition, **form.values())
        if outcome.ok:
            messages.success(request, _("Field “%(label)s” saved.") % {"label": definition.label})
            return redirect(_list_url(definition.record))
    return render(
        request,
        "customfields/definition_form.html",
        {
            "form": form,
            "definition": definition,
            "record": definition.record,
            "record_label": Record(definition.record).label,
        },
        status=outcome.status,
    )


@login_required
@require_POST
def definition_retire(request, pk):
    require(request.user, "customfields.manage")
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    services.definition_retire(user=request.user, definition=definition)
    messages.success(
        request,
        _("Field “%(label)s” retired: it is hidden and the records keep their values.")
        % {"label": definition.label},
    )
    return redirect(_list_url(definition.record))


@login_required
@require_POST
def definition_restore(request, pk):
    require(request.user, "customfields.manage")
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    services.definition_restore(user=request.user, definition=definition)
    messages.success(request, _("Field “%(label)s” restored.") % {"label": definition.label})
    return redirect(_list_url(definition.record))
