"""The business rules page: managers and administrators change them; others get a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roles.policies import require

from . import accessors, selectors, specs
from .forms import CalendarForm, SectionForm
from .services import save_rules

NEW_YEAR = "calendar-new"


def _calendar_forms() -> dict[str, CalendarForm]:
    forms = {}
    for year in accessors.calendar_years():
        calendar = accessors.calendar_year(year)
        forms[f"calendar-{year}"] = CalendarForm(
            prefix=f"calendar-{year}",
            fixed_year=True,
            initial={
                "year": year,
                "holidays": [d.isoformat() for d in calendar.holidays],
                "workdays": [d.isoformat() for d in calendar.workdays],
            },
        )
    forms[NEW_YEAR] = CalendarForm(prefix=NEW_YEAR)
    return forms


@login_required
def rules_page(request):
    require(request.user, "rules.edit")
    section_forms = {s.slug: SectionForm(s) for s in specs.sections()}
    calendar_forms = _calendar_forms()
    bound = None
    if request.method == "POST":
        slug = request.POST.get("section", "")
        if slug in section_forms:
            bound = section_forms[slug] = SectionForm(specs.section(slug), request.POST)
        elif slug in calendar_forms:
            bound = calendar_forms[slug] = CalendarForm(
                request.POST, prefix=slug, fixed_year=slug != NEW_YEAR
            )
        if bound is not None and bound.is_valid():
            changes = save_rules(user=request.user, values=bound.values())
            if changes:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d rule changed. It applies from now on.",
                        "%(count)d rules changed. They apply from now on.",
                        len(changes),
                    )
                    % {"count": len(changes)},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(f"{request.path}#{slug}")
    changes = [
        {"change": change, "label": selectors.label_of(change.key)}
        for change in selectors.recent_changes()
    ]
    return render(
        request,
        "rules/settings.html",
        {
            "section_forms": list(section_forms.values()),
            "calendar_forms": calendar_forms,
            "changes": changes,
        },
        status=400 if bound is not None and bound.errors else 200,
    )
