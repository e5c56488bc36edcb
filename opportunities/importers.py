"""Open opportunities from CSV/XLSX (the shared flow is ltc.imports), so a company's pipeline
moves in with its stages. Only open stages are accepted (won and lost deals are history, not
pipeline); each row names its account (by tax ID or name, among the accounts the importer
sees), optionally a contact of that account, and an owner the importer may act for."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.importers import AccountLookup, account_keys
from customers.models import Contact
from leads.models import LeadSource
from ltc.imports import (
    Column,
    Importer,
    Row,
    chunks,
    parse_date,
    parse_decimal,
    value_text,
)
from roles.permissions import team_member_ids, users_with_role
from rules import accessors as rule_values

from .models import OPEN_STAGES, Opportunity, Stage, stage_probability


def _stages() -> str:
    return ", ".join(str(s) for s in OPEN_STAGES)


def _sources() -> str:
    return ", ".join(LeadSource.values)


def _offered_sources() -> list[tuple[str, str]]:
    """(key, name) of each offered lead source (a business rule), by its English and its
    Chinese name."""
    return [
        (source.value, name)
        for source in rule_values.lead_sources()
        if source.active
        for name in (source.en, source.zh)
    ]


class OpportunityImporter(Importer):
    entity = "opportunities"
    label = gettext_lazy("Open opportunities")
    policy = "opportunities.import"
    model = Opportunity
    export = "opportunities"
    export_keys = {"expected_close": "expected_close_date"}
    list_url = "opportunities:list"
    columns = (
        Column("name", ("opportunity", "deal", "商机", "商机名称", "项目名称"), required=True,
               field="name"),
        Column("account", ("account name", "customer", "客户", "客户名称", "公司名称"),
               field="account", allowed=gettext_lazy("the account's name; or give its tax ID")),
        Column("account_tax_id", ("tax id", "tax_id", "税号", "客户税号"),
               allowed=gettext_lazy("the account's tax ID (wins over the name)")),
        Column("contact", ("联系人",), field="contact",
               allowed=gettext_lazy("a contact's name on that account")),
        Column("stage", ("阶段", "商机阶段", "销售阶段"), field="stage", allowed=_stages),
        Column("amount", ("金额", "预计金额", "商机金额"), field="amount",
               allowed=gettext_lazy("a number ≥ 0")),
        Column("currency", ("币种",), field="currency"),
        Column("expected_close_date", ("close date", "预计成交日期", "预计签约日期"),
               field="expected_close_date", allowed=gettext_lazy("YYYY-MM-DD")),
        Column("probability", ("赢率", "成交概率"), field="probability",
               allowed=gettext_lazy("0–100; blank: the stage's default")),
        Column("source", ("来源",), field="source", allowed=_sources),
        Column("next_step", ("下一步",), field="next_step"),
        Column("competitors", ("竞争对手",), field="competitors"),
        Column("owner", ("account owner", "负责人", "销售"), field="owner",
               allowed=gettext_lazy("a salesperson's username; blank: you")),
        Column("solution_owner", ("售前", "方案负责人"), field="solution_owner",
               allowed=gettext_lazy("a sales support username")),
    )  # fmt: skip
    example_rows = (
        ("华东机械 五轴机床采购", "上海华东机械有限公司", "", "王伟", "proposal", "572000.00",
         "CNY", "2026-12-20", "", "referral", "技术交流", "DMG", "", ""),
        ("Northwind service renewal", "", "91110000MA0002", "Anna Smith", "qualification",
         "12000", "USD", "2027-01-15", "15", "web", "", "", "", ""),
    )  # fmt: skip

    def __init__(self, user):
        super().__init__(user)
        self.accounts = AccountLookup(user)
        self.sales = {u.username.lower(): u for u in users_with_role("sales")}
        self.support = {u.username.lower(): u for u in users_with_role("sales_support")}
        self.team = team_member_ids(user)
        self.stage_choices = [(s, Stage(s).label) for s in OPEN_STAGES]

    def check(self, row: Row) -> None:
        v = row.values
        v["name"] = self.text(row, "name", required=True)
        stage_text = value_text(row.raw.get("stage"))
        v["stage"] = self.choice(row, "stage", self.stage_choices, default=Stage.QUALIFICATION)
        if stage_text and stage_text.lower() in {s.lower() for s in Stage.values} - set(
            OPEN_STAGES
        ):
            row.reasons.append(_("Only open opportunities are imported, not won or lost ones."))
        amount = parse_decimal(row.raw.get("amount"), self.label_of("amount"), row.reasons)
        v["amount"] = amount if amount is not None else Decimal("0")
        v["currency"] = self.currency(row)
        v["expected_close_date"] = parse_date(row.raw.get("expected_close_date"), row.reasons)
        probability = parse_decimal(
            row.raw.get("probability"),
            self.label_of("probability"),
            row.reasons,
            places=0,
            maximum=Decimal(100),
        )
        v["probability"] = (
            int(probability) if probability is not None else stage_probability(v["stage"])
        )
        v["source"] = self.choice(row, "source", _offered_sources(), default=LeadSource.IMPORT)
        v["next_step"] = self.text(row, "next_step")
        v["competitors"] = self.text(row, "competitors")
        v["owner"] = self._owner(row)
        support = value_text(row.raw.get("solution_owner"))
        v["solution_owner"] = self.support.get(support.lower()) if support else None
        if support and v["solution_owner"] is None:
            row.reasons.append(
                _("Solution owner “%(value)s” is not an active sales support user.")
                % {"value": support}
            )

    def _owner(self, row: Row):
        name = value_text(row.raw.get("owner"))
        if not name:
            return self.user
        owner = self.sales.get(name.lower())
        if owner is None:
            row.reasons.append(
                _("Owner “%(value)s” is not an active salesperson.") % {"value": name}
            )
        elif not self.user.is_superuser and owner.pk not in self.team:
            row.reasons.append(
                _(
                    "You may import deals only for yourself and the teams you lead, "
                    "not for “%(value)s”."
                )
                % {"value": name}
            )
        return owner

    def check_all(self, rows: list[Row]) -> None:
        self.accounts.load(*account_keys(rows))
        for row in rows:
            row.values["account"] = self.accounts.find(
                row,
                value_text(row.raw.get("account")),
                value_text(row.raw.get("account_tax_id")),
            )
        contacts: dict[tuple[int, str], list[Contact]] = {}
        ids = sorted({r.values["account"].pk for r in rows if r.values["account"] is not None})
        for chunk in chunks(ids):
            for contact in Contact.objects.filter(account_id__in=chunk):
                contacts.setdefault((contact.account_id, contact.name.lower()), []).append(contact)
        for row in rows:
            name = value_text(row.raw.get("contact"))
            row.values["contact"] = None
            account = row.values["account"]
            if not name or account is None:
                continue
            found = contacts.get((account.pk, name.lower()), [])
            if len(found) != 1:
                message = (
                    _("“%(account)s” has no contact named “%(value)s”.")
                    if not found
                    else _("“%(account)s” has several contacts named “%(value)s”.")
                )
                row.reasons.append(message % {"account": account.name, "value": name})
                continue
            row.values["contact"] = found[0]

    def create(self, rows: list[Row]) -> int:
        now = timezone.now()
        deals = [
            Opportunity(**row.values, created_by=self.user, stage_changed_at=now) for row in rows
        ]
        Opportunity.objects.bulk_create(deals, batch_size=1000)
        return len(deals)


IMPORTERS = (OpportunityImporter,)
