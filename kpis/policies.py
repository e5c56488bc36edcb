"""Who may act on KPIs outside the dashboards' scoping (read by roles.policies). Which
figures a role sees is kpis.selectors.scope."""

from django.utils.translation import gettext_lazy as _

from roles.models import Role
from roles.policies import Policy

POLICIES = (
    Policy(
        "kpis.targets",
        _("Set targets (page and API)"),
        roles=("manager",),
        refusal=_("Only managers set targets."),
    ),
    Policy(
        "kpis.import_targets",
        _("Import targets from a spreadsheet"),
        roles=("manager",),
        refusal=_("Only managers set targets."),
    ),
    Policy(
        "kpis.export",
        _("Export the KPI dashboard (CSV, XLSX) within the figures one sees"),
        roles=tuple(Role.values),
        refusal=_("Your role may not export KPIs."),
    ),
)
