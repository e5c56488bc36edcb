"""The columns of the lead list page (listviews): the first ones draw their own cells (below);
the others read what the lead export reads. Sorts only on indexed fields."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register
from ltc.templatetags.ltc_ui import display_name, initials, state_badge
from roles.permissions import has_role

from .exports import LEADS
from .forms import LeadFilterForm

# The list's richer cells, drawn in Python: at 25 rows a template branch per cell cost more
# than the rest of the page together.


def name_cell(lead) -> SafeString:
    return format_html(
        '<td><a class="cell-main" href="{}">{}</a><span class="cell-sub">{}</span></td>',
        lead.get_absolute_url(),
        lead.name,
        lead.company or lead.email,
    )


def status_cell(lead) -> SafeString:
    return format_html("<td>{}</td>", state_badge(lead))


def owner_cell(lead) -> SafeString:
    if lead.owner is None:
        who = format_html('<span class="chip chip-muted">{}</span>', gettext("Unassigned"))
    else:
        who = format_html(
            '<span class="owner-line"><span class="avatar avatar-sm d-none d-md-inline-grid">'
            "{}</span>{}</span>",
            initials(lead.owner),
            display_name(lead.owner),
        )
    return format_html('<td data-label="{}">{}</td>', gettext("Owner"), who)


def score_cell(lead) -> SafeString:
    heat = " hot" if lead.score >= 60 else " warm" if lead.score >= 35 else ""
    return format_html(
        '<td data-label="{}"><span class="score{}" title="{}"><span class="score-bar">'
        '<span style="width: {}%"></span></span>{}</span></td>',
        gettext("Score"),
        heat,
        gettext("Lead score (0–100)"),
        lead.score,
        lead.score,
    )


def created_cell(lead) -> SafeString:
    created = timezone.localtime(lead.created_at)
    return format_html(
        '<td class="text-nowrap text-body-secondary hide-sm" title="{}">{}</td>',
        created.strftime("%Y-%m-%d %H:%M"),
        created.strftime("%Y-%m-%d"),
    )


LEAD_LIST = register(
    ListSpec(
        name="leads",
        title=_("Leads"),
        url_name="leads:list",
        model="leads.Lead",
        filter_form=LeadFilterForm,
        only_for=lambda user: has_role(user, "marketing", "sales", "manager"),
        columns=(
            ListColumn("name", _("Lead"), cell=name_cell),
            ListColumn("status", _("Status"), sort="status", cell=status_cell),
            from_export(LEADS, "source", sort="source", default=True),
            ListColumn("owner", _("Owner"), cell=owner_cell),
            ListColumn("score", _("Score"), sort="score", cell=score_cell),
            ListColumn("created", _("Created"), sort="created_at", cell=created_cell),
            from_export(LEADS, "company"),
            from_export(LEADS, "title"),
            from_export(LEADS, "email"),
            from_export(LEADS, "phone"),
            from_export(LEADS, "campaign"),
            from_export(LEADS, "budget"),
            from_export(LEADS, "expected_close"),
            from_export(LEADS, "next_follow_up"),
        ),
    )
)
