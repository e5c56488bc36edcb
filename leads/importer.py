"""Lead import from CSV/XLSX: validate every row, flag duplicates, create in bulk.

`import_leads` reads the whole file, reports every bad row with all its reasons (line numbers
as the user sees them: the header is line 1) and, by default, creates nothing when any row is
bad; with `only_good_rows=True` it creates the good rows and skips the bad ones.

Duplicates (email and company name case-insensitively, phone by its digits: leads.phones)
are looked up set-based against the database, on the indexed Lower(email), Lower(company) and
phone_key (PostgreSQL: one `= ANY(array)` query each; elsewhere chunks of `IN`), and within
the file against earlier lines. Good rows are inserted in bulk (PostgreSQL: COPY) with their
owners' object permissions, in one transaction: ~20,000 rows in a few seconds (bench/run.py).
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.names import company_key
from customers.phones import validate_phone
from ltc import extra_fields
from ltc.imports import FileProblem, ImportReport, RowError, report_as_dict
from ltc.imports import cell_text as _text
from ltc.imports import header_key as _header_key
from ltc.imports import is_blank as _blank
from ltc.imports import parse_date as _parse_date
from ltc.imports import read_records as _records
from ltc.imports import scanned as _scanned
from notifications.messages import Message
from notifications.services import notify
from roles.permissions import has_role, users_with_role
from roles.policies import require
from rules import accessors as rule_values

from .models import Lead, LeadSource
from .phones import phone_key
from .scoring import lead_score

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_ROWS = 100_000
PROGRESS_EVERY = 500  # lines between two progress reports
BATCH_SIZE = 2000  # rows per INSERT
CHUNK_SIZE = 2000  # keys per duplicate look-up
LOCK_KEY = 0x1EAD_1A9  # PostgreSQL advisory lock: one import checks duplicates at a time

TEXT_FIELDS = ("name", "company", "title", "email", "phone", "campaign", "decision_maker")
FIELDS = (
    "name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "campaign",
    "need",
    "budget",
    "currency",
    "expected_close_date",
    "decision_maker",
    "notes",
    "owner",
)
ALIASES = {
    "name": ("contact", "contact name", "full name", "姓名", "联系人", "联系人姓名", "名字"),
    "company": ("company name", "organization", "organisation", "公司", "公司名称", "单位",
                "企业", "企业名称", "客户名称"),
    "title": ("job title", "position", "职位", "职务", "头衔", "岗位"),
    "email": ("e-mail", "email address", "mail", "邮箱", "电子邮件", "电子邮箱", "邮件",
              "邮箱地址"),
    "phone": ("phone number", "mobile", "mobile phone", "telephone", "tel", "电话", "手机",
              "手机号", "手机号码", "联系电话", "电话号码"),
    "source": ("lead source", "来源", "线索来源"),
    "campaign": ("活动", "市场活动", "营销活动"),
    "need": ("needs", "requirement", "需求", "客户需求"),
    "budget": ("预算", "预算金额"),
    "currency": ("币种", "货币"),
    "expected_close_date": ("close date", "timeline", "预计成交日期", "预计成交时间",
                            "预计签约日期", "时间线"),
    "decision_maker": ("决策人", "决策者"),
    "notes": ("note", "remarks", "comments", "备注", "说明"),
    "owner": ("owner username", "负责人", "所有人", "归属人", "跟进人"),
}  # fmt: skip
SOURCE_ALIASES = {
    "网站": LeadSource.WEB,
    "官网": LeadSource.WEB,
    "转介绍": LeadSource.REFERRAL,
    "推荐": LeadSource.REFERRAL,
    "展会": LeadSource.EVENT,
    "市场活动": LeadSource.CAMPAIGN,
    "陌拜": LeadSource.COLD_CALL,
    "电话陌拜": LeadSource.COLD_CALL,
    "合作伙伴": LeadSource.PARTNER,
    "导入": LeadSource.IMPORT,
    "其他": LeadSource.OTHER,
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
MONEY_NOISE = re.compile(r"[,\s¥￥$€£]")


def _header_map() -> dict[str, str]:
    # The custom fields' columns (by key or label in either language) first: a lead's own
    # column of the same name wins.
    mapping = dict(extra_fields.import_headers(Lead))
    for name in FIELDS:
        mapping[_header_key(name)] = name
        for alias in ALIASES.get(name, ()):
            mapping[_header_key(alias)] = name
    languages = {code for code, _label in settings.LANGUAGES}
    for code in languages:
        with translation.override(code):
            for name in FIELDS:
                label = str(Lead._meta.get_field(name).verbose_name)
                mapping.setdefault(_header_key(label), name)
    return mapping


def _source_map() -> dict[str, str]:
    mapping = {k: str(v) for k, v in SOURCE_ALIASES.items()}
    for value, label in LeadSource.choices:
        mapping[value] = value
        mapping[value.replace("_", " ")] = value
        mapping[str(label).lower()] = value
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                mapping[str(label).lower()] = value
    # the sources set on the business rules page, by key and by either name (offered ones)
    retired = set()
    for source in rule_values.lead_sources():
        if source.active:
            for name in (source.value, source.en, source.zh):
                mapping[name.lower()] = source.value
        else:
            retired.add(source.value)
    return {name: value for name, value in mapping.items() if value not in retired}


# --- validation ------------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    values: dict
    reasons: list[str]
    duplicate: bool = False


def _parse_budget(value, reasons):
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        reasons.append(_("Budget “%(value)s” is not a number.") % {"value": value})
        return None
    try:
        if isinstance(value, int | float | Decimal):
            amount = Decimal(str(value))
        else:
            amount = Decimal(MONEY_NOISE.sub("", str(value)))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        reasons.append(_("Budget “%(value)s” is not a number.") % {"value": _text(value)})
        return None
    if amount < 0:
        reasons.append(_("Budget cannot be negative."))
        return None
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        reasons.append(_("Budget may have at most 2 decimal places."))
        return None
    amount = amount.quantize(Decimal("0.01"))
    if amount >= Decimal(10) ** 12:
        reasons.append(_("Budget is too large."))
        return None
    return amount


class _Validator:
    def __init__(self, user: User):
        self.user = user
        self.may_assign = has_role(user, "marketing") or user.is_superuser
        self.sources = _source_map()
        self.source_names = ", ".join(value for value, _label in rule_values.lead_source_choices())
        self.currencies = settings.LTC["CURRENCIES"]
        self.default_currency = rule_values.default_currency()
        self.sales = {u.username.lower(): u for u in users_with_role("sales")}
        self.default_owner = (
            user if has_role(user, "sales") and not has_role(user, "marketing") else None
        )
        self.max_length = {f: Lead._meta.get_field(f).max_length for f in TEXT_FIELDS}
        self.labels = {f: str(Lead._meta.get_field(f).verbose_name) for f in FIELDS}

    def row(self, line: int, raw: dict) -> _Row:
        reasons: list[str] = []
        values = {f: _text(raw.get(f)) for f in TEXT_FIELDS + ("need", "notes")}
        for name, limit in self.max_length.items():
            if limit and len(values[name]) > limit:
                reasons.append(
                    _("%(field)s is longer than %(max)d characters.")
                    % {"field": self.labels[name].capitalize(), "max": limit}
                )
        if not values["name"]:
            reasons.append(_("Name is required."))
        email, phone = values["email"], values["phone"]
        if not email and not phone:
            reasons.append(_("Give an email or a phone number."))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(_("“%(value)s” is not a valid email address.") % {"value": email})
        if phone:
            try:
                validate_phone(phone)
            except ValidationError:
                reasons.append(_("“%(value)s” is not a valid phone number.") % {"value": phone})

        source = _text(raw.get("source"))
        if source:
            values["source"] = self.sources.get(source.lower().strip())
            if values["source"] is None:
                reasons.append(
                    _("Unknown source “%(value)s”: use one of %(choices)s.")
                    % {"value": source, "choices": self.source_names}
                )
        else:
            values["source"] = LeadSource.IMPORT

        currency = _text(raw.get("currency")).upper()
        if currency and currency not in self.currencies:
            reasons.append(
                _("Unknown currency “%(value)s”: use one of %(choices)s.")
                % {"value": currency, "choices": ", ".join(self.currencies)}
            )
        values["currency"] = currency or self.default_currency
        values["budget"] = _parse_budget(raw.get("budget"), reasons)
        values["expected_close_date"] = _parse_date(raw.get("expected_close_date"), reasons)

        owner_name = _text(raw.get("owner"))
        owner = self.default_owner
        if owner_name:
            owner = self.sales.get(owner_name.lower())
            if owner is None:
                reasons.append(
                    _("Owner “%(value)s” is not an active salesperson.") % {"value": owner_name}
                )
            elif owner != self.user and not self.may_assign:
                reasons.append(_("Only marketing assigns leads to other salespeople."))
        values["owner"] = owner
        extra = {n: v for n, v in raw.items() if n.startswith(extra_fields.PREFIX)}
        custom, problems = extra_fields.import_values(Lead, self.user, extra)
        reasons.extend(problems)  # a required field is refused even without its column
        if extra:
            values["custom"] = custom
        return _Row(line=line, values=values, reasons=reasons)


# --- duplicates ------------------------------------------------------------------------------


def _keys(values: dict) -> dict[str, str]:
    return {
        "email": values["email"].lower(),
        "phone": phone_key(values["phone"]),
        "company": values["company"].strip().lower(),
    }


def _chunks(items: list, size: int = CHUNK_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(kind: str, keys: set[str]) -> dict[str, int]:
    """key → smallest id of an existing lead with that key."""
    found: dict[str, int] = {}
    keys.discard("")
    if not keys:
        return found
    if connection.vendor == "postgresql":  # one index-backed `= ANY(array)` per kind
        quote = connection.ops.quote_name
        column = quote("phone_key" if kind == "phone" else kind)
        expr = column if kind == "phone" else f"LOWER({column})"
        sql = (
            f"SELECT {expr}, {quote('id')} FROM {quote(Lead._meta.db_table)} "
            f"WHERE {expr} = ANY(%s) ORDER BY {quote('id')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [sorted(keys)])
            for key, pk in cursor.fetchall():
                found.setdefault(key, pk)
        return found
    if kind == "email":
        qs, column = Lead.objects.annotate(k=Lower("email")), "k"
    elif kind == "company":
        qs, column = Lead.objects.annotate(k=Lower("company")), "k"
    else:
        qs, column = Lead.objects.all(), "phone_key"
    for chunk in _chunks(sorted(keys)):
        rows = qs.filter(**{f"{column}__in": chunk}).values_list(column, "pk").order_by("pk")
        for key, pk in rows:
            found.setdefault(key, pk)
    return found


def _flag_duplicates(rows: list[_Row]) -> None:
    what = {"email": _("email"), "phone": _("phone"), "company": _("company name")}
    row_keys = [_keys(r.values) for r in rows]
    in_db = {
        kind: _existing(kind, {keys[kind] for keys in row_keys if keys[kind]}) for kind in what
    }
    first_line: dict[str, dict[str, int]] = {kind: {} for kind in what}
    for row, keys in zip(rows, row_keys, strict=True):
        for kind, key in keys.items():
            if not key:
                continue
            if key in in_db[kind]:
                row.reasons.append(
                    _("Duplicate of lead #%(id)d (same %(what)s).")
                    % {"id": in_db[kind][key], "what": what[kind]}
                )
                row.duplicate = True
            earlier = first_line[kind].setdefault(key, row.line)
            if earlier != row.line:
                row.reasons.append(
                    _("Duplicate of line %(line)d (same %(what)s).")
                    % {"line": earlier, "what": what[kind]}
                )
                row.duplicate = True


# --- creation --------------------------------------------------------------------------------


LEAD_VALUES = (
    "name",
    "company",
    "title",
    "email",
    "phone",
    "source",
    "campaign",
    "need",
    "budget",
    "currency",
    "expected_close_date",
    "decision_maker",
    "notes",
)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # date and aware datetime
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_rows(table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    buffer = io.StringIO()
    buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    buffer.seek(0)
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, buffer)  # psycopg2; same connection and transaction


def _next_ids(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def bulk_insert_leads(records: list[dict]) -> list[int]:
    """Insert leads given as {attname: value} dicts; return their ids in order.

    On PostgreSQL: ids drawn from the sequence in one query, then one COPY, several times
    faster than model instances through bulk_create. Columns a record does not give get their
    model default. Elsewhere: bulk_create.
    """
    if not records:
        return []
    if connection.vendor != "postgresql":
        leads = [Lead(**record) for record in records]
        Lead.objects.bulk_create(leads, batch_size=BATCH_SIZE)
        return [lead.pk for lead in leads]
    now = timezone.now()
    fields = [f for f in Lead._meta.concrete_fields if not f.primary_key and not f.generated]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()
    attnames = [f.attname for f in fields]
    # JSON columns (the custom fields) go through COPY as JSON text.
    json_names = {f.attname for f in fields if isinstance(f, models.JSONField)}
    records = [
        {k: json.dumps(v) if k in json_names else v for k, v in record.items()}
        for record in records
    ]
    for name in json_names:
        defaults[name] = json.dumps(defaults[name])
    ids = _next_ids(Lead, len(records))
    _copy_rows(
        Lead._meta.db_table,
        [Lead._meta.pk.column] + [f.column for f in fields],
        ([pk] + [r.get(a, defaults[a]) for a in attnames] for pk, r in zip(ids, records)),  # noqa: B905
    )
    return ids


def _create(rows: list[_Row], user: User) -> int:
    now = timezone.now()
    records = []
    for row in rows:
        values = row.values
        record = {name: values[name] for name in LEAD_VALUES}
        owner = values["owner"]
        record["owner_id"] = owner.pk if owner is not None else None
        record["assigned_at"] = now if owner is not None else None
        record["created_by_id"] = user.pk
        record["created_at"] = now
        record["score"] = lead_score(SimpleNamespace(pk=None, **record), activity_count=0)
        record["company_key"] = company_key(record["company"])
        record["custom"] = values.get("custom") or {}
        records.append(record)
    ids = bulk_insert_leads(records)  # owners need no grant: the owner rule covers them
    per_owner = Counter(row.values["owner"] for row in rows if row.values["owner"] is not None)
    for owner, count in per_owner.items():
        if owner != user:
            _notify_owner(owner, count, now)
    return len(ids)


def _notify_owner(owner, count: int, now) -> None:
    title = Message(gettext_noop("%(count)d imported leads assigned to you"), count=count)
    url = f"{reverse('leads:list')}?owner={owner.pk}&status=new"
    key = f"lead-assigned:import:{owner.pk}:{now.timestamp()}"  # the "lead-assigned" event
    transaction.on_commit(
        lambda: notify(recipient=owner, key=key, title=title, url=url), robust=True
    )


# --- entry point -----------------------------------------------------------------------------


def _lock_imports() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def import_leads(*, file, user: User, only_good_rows: bool = False, progress=None) -> ImportReport:
    """Validate every row of a CSV/XLSX file and create its leads in one transaction.

    `progress(checked, total)`, when given, is called as lines are read (total is the file's
    own estimate until the end, then the exact count)."""
    require(user, "leads.import")
    report = ImportReport()
    try:
        source = _records(file)
        records = iter(_scanned(source, progress))
        header_line, header = next(
            ((line, cells) for line, cells in records if not _blank(cells)), (1, None)
        )
        if header is None:
            raise FileProblem(_("The file is empty."))
        columns, problems = _columns(header, report)
        if problems:
            report.total = sum(1 for _line, cells in records if not _blank(cells))
            report.errors.append(RowError(row=header_line, reasons=problems))
            return report
        validator = _Validator(user)
        rows: list[_Row] = []
        for line, cells in records:
            if _blank(cells):
                continue
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
            rows.append(validator.row(line, raw))
            if len(rows) > MAX_ROWS:
                raise FileProblem(
                    _("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS}
                )
    except FileProblem as exc:
        report.errors = [RowError(row=1, reasons=[str(exc)])]
        return report

    report.total = len(rows)
    if not rows:
        report.errors = [RowError(row=header_line, reasons=[_("The file has no data rows.")])]
        return report
    with transaction.atomic():
        _lock_imports()
        _flag_duplicates(rows)
        good = [row for row in rows if not row.reasons]
        report.good = len(good)
        report.duplicates = sum(1 for row in rows if row.duplicate)
        report.errors = [
            RowError(row=row.line, reasons=row.reasons, duplicate=row.duplicate)
            for row in rows
            if row.reasons
        ]
        if good and (only_good_rows or not report.errors):
            report.created = _create(good, user)
    return report


# --- background jobs ---------------------------------------------------------------------------


def lead_import_queue(*, user: User, file, only_good_rows: bool = False, language: str = ""):
    """Store the upload as a LeadImport job and queue its check after commit; returns at
    once. The caller has checked the file's size and archive (ImportForm)."""
    from .models import LeadImport
    from .tasks import run_lead_import

    require(user, "leads.import")
    name = Path(str(getattr(file, "name", "") or "leads")).name[:255]
    job = LeadImport(
        user=user, file_name=name, only_good_rows=only_good_rows, language=language[:10]
    )
    job.file.save(name, file, save=False)
    job.save()
    transaction.on_commit(lambda: run_lead_import.delay(job.pk), robust=True)
    return job


def lead_import_run(*, job_id: int) -> None:
    """The task's work: read the stored file, record progress, store the report. Runs once:
    a job already started (a redelivered task) is left alone."""
    from .models import LeadImport

    now = timezone.now()
    if not LeadImport.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now):
        return
    job = LeadImport.objects.select_related("user").get(pk=job_id)

    def progress(checked: int, total: int) -> None:
        LeadImport.objects.filter(pk=job_id).update(rows_checked=checked, rows_total=total)

    try:
        with translation.override(_job_language(job)), job.file.open("rb") as stream:
            report = import_leads(
                file=stream, user=job.user, only_good_rows=job.only_good_rows, progress=progress
            )
        LeadImport.objects.filter(pk=job_id).update(
            report=report_as_dict(report), finished_at=timezone.now()
        )
    except Exception as exc:
        log.exception("lead import %s failed", job_id)
        LeadImport.objects.filter(pk=job_id).update(
            error=str(exc)[:1000] or exc.__class__.__name__, finished_at=timezone.now()
        )
    finally:
        job.file.delete(save=False)
        LeadImport.objects.filter(pk=job_id).update(file="")


def _job_language(job) -> str:
    return job.language or settings.LANGUAGE_CODE


def _columns(header: list, report: ImportReport) -> tuple[dict[str, int], list[str]]:
    mapping = _header_map()
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(header):
        title = _text(cell)
        if not title:
            continue
        name = mapping.get(_header_key(title))
        if name is None:
            report.ignored_columns.append(title)
        elif name in columns:
            problems.append(_("Two columns mean “%(field)s”: keep one.") % {"field": name})
        else:
            columns[name] = index
    if "name" not in columns:
        problems.append(_("The file has no “name” (姓名) column."))
    if "email" not in columns and "phone" not in columns:
        problems.append(_("The file needs an “email” (邮箱) or “phone” (电话) column."))
    return columns, problems
