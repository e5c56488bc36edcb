"""Accounts and contacts from CSV/XLSX (the shared flow is ltc.imports).

Accounts: a name or tax ID already in the CRM, or repeated in the file, is a bad row (the
import creates, it never overwrites). Contacts: each row names its account by tax ID or by
name (case-insensitive); an account that cannot be found among those the importer may see,
a name shared by two accounts, or an account the importer may not edit makes the row bad.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ltc.imports import Column, Importer, Row, chunks, parse_bool, parse_decimal, value_text
from roles.permissions import users_with_role
from roles.policies import can

from .models import Account, Contact, Industry
from .names import company_key
from .phones import validate_phone
from .selectors import account_list


def _industries() -> str:
    return ", ".join(Industry.values)


def _languages() -> str:
    from django.conf import settings

    return ", ".join(code for code, _name in settings.LANGUAGES)


def _currencies() -> str:
    from django.conf import settings

    return ", ".join(settings.LTC["CURRENCIES"])


def _phone(importer, row: Row) -> str:
    """The row's phone, checked as a real number (customers.phones)."""
    phone = importer.text(row, "phone")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            row.reasons.append(_("“%(value)s” is not a valid phone number.") % {"value": phone})
    return phone


def _email(importer: Importer, row: Row, name: str = "email") -> str:
    email = importer.text(row, name)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.reasons.append(_("“%(value)s” is not a valid email address.") % {"value": email})
    return email


class AccountImporter(Importer):
    entity = "accounts"
    label = gettext_lazy("Accounts")
    policy = "customers.import"
    model = Account
    export = "accounts"
    list_url = "customers:account-list"
    columns = (
        Column("name", ("account", "account name", "company", "客户", "客户名称", "公司名称"),
               required=True, field="name", allowed=gettext_lazy("unique, up to 200 characters")),
        Column("industry", ("行业",), field="industry", allowed=_industries),
        Column("website", ("网址", "网站"), field="website",
               allowed=gettext_lazy("a web address")),
        Column("phone", ("电话",), field="phone"),
        Column("email", ("邮箱",), field="email"),
        Column("address", ("地址",), field="address"),
        Column("tax_id", ("tax number", "税号", "纳税人识别号", "统一社会信用代码"),
               field="tax_id", allowed=gettext_lazy("unique")),
        Column("owner", ("负责人", "所有人"), field="owner",
               allowed=gettext_lazy("a salesperson's username; blank: you")),
        Column("credit_limit", ("信用额度",), field="credit_limit",
               allowed=gettext_lazy("a number")),
        Column("currency", ("币种",), field="currency", allowed=_currencies),
        Column("notes", ("备注",), field="notes"),
    )  # fmt: skip
    example_rows = (
        ("上海华东机械有限公司", "manufacturing", "https://hd-machinery.example.cn",
         "021-5555 0101", "info@hd-machinery.example.cn", "上海市浦东新区张江路 100 号",
         "91310000MA1FL0001X", "", "500000.00", "CNY", ""),
        ("Northwind Retail Ltd", "retail", "", "+86 10 5555 0202", "", "", "91110000MA0002",
         "", "", "USD", "key account"),
    )  # fmt: skip

    def __init__(self, user):
        super().__init__(user)
        self.sales = {u.username.lower(): u for u in users_with_role("sales")}
        self.industries = Industry.choices

    def check(self, row: Row) -> None:
        v = row.values
        v["name"] = self.text(row, "name", required=True)
        v["industry"] = self.choice(row, "industry", self.industries)
        v["website"] = self.text(row, "website")
        if v["website"]:
            if "://" not in v["website"]:
                v["website"] = "https://" + v["website"]
            try:
                URLValidator()(v["website"])
            except ValidationError:
                row.reasons.append(_("“%(value)s” is not a web address.") % {"value": v["website"]})
        v["phone"] = _phone(self, row)
        v["email"] = _email(self, row)
        v["address"] = self.text(row, "address")
        v["tax_id"] = self.text(row, "tax_id")
        v["credit_limit"] = parse_decimal(
            row.raw.get("credit_limit"), self.label_of("credit_limit"), row.reasons
        )
        v["currency"] = self.currency(row)
        v["notes"] = self.text(row, "notes")
        v["owner"] = self._owner(row)

    def _owner(self, row: Row):
        name = value_text(row.raw.get("owner"))
        if not name or name.lower() == self.user.get_username().lower():
            return self.user  # as the account form: the creator owns what they create
        owner = self.sales.get(name.lower())
        if owner is None:
            row.reasons.append(
                _("Owner “%(value)s” is not an active salesperson.") % {"value": name}
            )
            return None
        # Sales may own accounts for themselves and the teams they lead; marketing for anyone.
        if not can(self.user, "customers.edit", SimpleNamespace(owner_id=owner.pk)):
            row.reasons.append(_("You may not give accounts to “%(value)s”.") % {"value": name})
        return owner

    def check_all(self, rows: list[Row]) -> None:
        names = {r.values["name"].lower() for r in rows if r.values.get("name")}
        taxes = {r.values["tax_id"].lower() for r in rows if r.values.get("tax_id")}
        by_name: dict[str, int] = {}
        by_tax: dict[str, int] = {}
        for chunk in chunks(sorted(names)):
            for key, pk in (
                Account.objects.annotate(k=Lower("name"))
                .filter(k__in=chunk)
                .values_list("k", "pk")
                .order_by("pk")
            ):
                by_name.setdefault(key, pk)
        for chunk in chunks(sorted(taxes)):
            for key, pk in (
                Account.objects.annotate(k=Lower("tax_id"))
                .filter(k__in=chunk)
                .values_list("k", "pk")
                .order_by("pk")
            ):
                by_tax.setdefault(key, pk)
        for row in rows:
            name, tax = row.values.get("name", "").lower(), row.values.get("tax_id", "").lower()
            if name in by_name:
                row.reasons.append(
                    _("An account with this name exists already (#%(id)d).") % {"id": by_name[name]}
                )
                row.duplicate = True
            if tax and tax in by_tax:
                row.reasons.append(
                    _("An account with this tax ID exists already (#%(id)d).") % {"id": by_tax[tax]}
                )
                row.duplicate = True
        self.flag_in_file(rows, lambda r: r.values.get("name", "").lower(), _("name"))
        self.flag_in_file(rows, lambda r: r.values.get("tax_id", "").lower(), _("tax ID"))

    def create(self, rows: list[Row]) -> int:
        # bulk_create calls no save(): the duplicate key is set here
        accounts = [Account(**row.values, name_key=company_key(row.values["name"])) for row in rows]
        Account.objects.bulk_create(accounts, batch_size=1000)
        return len(accounts)


class AccountLookup:
    """Accounts the user may see, found by tax ID or by name (case-insensitive), loaded in
    chunks for the keys of the file."""

    def __init__(self, user):
        self.user = user
        self.by_tax: dict[str, list[Account]] = {}
        self.by_name: dict[str, list[Account]] = {}

    def load(self, names: set[str], taxes: set[str]) -> None:
        visible = account_list(user=self.user).select_related(None)
        for chunk in chunks(sorted(taxes - {""})):
            for account in visible.annotate(k=Lower("tax_id")).filter(k__in=chunk):
                self.by_tax.setdefault(account.k, []).append(account)
        for chunk in chunks(sorted(names - {""})):
            for account in visible.annotate(k=Lower("name")).filter(k__in=chunk):
                self.by_name.setdefault(account.k, []).append(account)

    def find(self, row: Row, name: str, tax: str) -> Account | None:
        """The one account the row names, or None with the reason added to the row."""
        if not name and not tax:
            row.reasons.append(_("Give the account's name or tax ID."))
            return None
        found = self.by_tax.get(tax.lower(), []) if tax else self.by_name.get(name.lower(), [])
        if not found:
            row.reasons.append(
                _("No account “%(value)s” found among the accounts you may see.")
                % {"value": tax or name}
            )
            return None
        if len(found) > 1:
            row.reasons.append(
                _("Several accounts are named “%(value)s”: give the tax ID instead.")
                % {"value": name}
            )
            return None
        account = found[0]
        if tax and name and account.name.lower() != name.lower():
            row.reasons.append(
                _("The account with tax ID “%(tax)s” is “%(name)s”, not “%(value)s”.")
                % {"tax": tax, "name": account.name, "value": name}
            )
            return None
        return account


def account_keys(rows: list[Row], name_column="account", tax_column="account_tax_id"):
    names = {value_text(r.raw.get(name_column)).lower() for r in rows}
    taxes = {value_text(r.raw.get(tax_column)).lower() for r in rows}
    return names, taxes


class ContactImporter(Importer):
    entity = "contacts"
    label = gettext_lazy("Contacts")
    policy = "customers.import"
    model = Contact
    export = "contacts"
    list_url = "customers:contact-list"
    columns = (
        Column("account", ("account name", "company", "客户", "客户名称", "公司", "公司名称"),
               field="account",
               allowed=gettext_lazy("the account's name; or give its tax ID")),
        Column("account_tax_id", ("tax id", "tax_id", "税号", "客户税号", "纳税人识别号"),
               allowed=gettext_lazy("the account's tax ID (wins over the name)")),
        Column("name", ("contact", "contact name", "姓名", "联系人", "联系人姓名"),
               required=True, field="name"),
        Column("title", ("job title", "position", "职位", "职务"), field="title"),
        Column("email", ("邮箱", "电子邮件"), field="email"),
        Column("phone", ("mobile", "电话", "手机", "手机号"), field="phone"),
        Column("is_primary", ("primary", "主要联系人"), field="is_primary",
               allowed=gettext_lazy("1/0, yes/no, 是/否")),
        Column("is_billing", ("billing", "账单联系人", "开票联系人"), field="is_billing",
               allowed=gettext_lazy("1/0, yes/no, 是/否")),
        Column("language", ("语言",), field="language", allowed=_languages),
        Column("notes", ("备注",), field="notes"),
    )  # fmt: skip
    example_rows = (
        ("上海华东机械有限公司", "", "王伟", "采购经理", "wang.wei@hd-machinery.example.cn",
         "13800138000", "是", "否", "zh-hans", ""),
        ("", "91110000MA0002", "Anna Smith", "CFO", "anna@northwind.example.com", "", "0", "1",
         "en", "pays the invoices"),
    )  # fmt: skip

    def __init__(self, user):
        super().__init__(user)
        self.accounts = AccountLookup(user)
        from django.conf import settings

        self.languages = settings.LANGUAGES

    def check(self, row: Row) -> None:
        v = row.values
        v["name"] = self.text(row, "name", required=True)
        v["title"] = self.text(row, "title")
        v["email"] = _email(self, row)
        v["phone"] = _phone(self, row)
        v["is_primary"] = parse_bool(
            row.raw.get("is_primary"), self.label_of("is_primary"), row.reasons
        )
        v["is_billing"] = parse_bool(
            row.raw.get("is_billing"), self.label_of("is_billing"), row.reasons
        )
        v["language"] = self.choice(row, "language", self.languages, default="zh-hans")
        v["notes"] = self.text(row, "notes")

    def check_all(self, rows: list[Row]) -> None:
        self.accounts.load(*account_keys(rows))
        for row in rows:
            account = self.accounts.find(
                row,
                value_text(row.raw.get("account")),
                value_text(row.raw.get("account_tax_id")),
            )
            if account is not None and not can(self.user, "customers.edit", account):
                row.reasons.append(
                    _("You may not add contacts to “%(name)s”.") % {"name": account.name}
                )
            row.values["account"] = account
        keyed = [r for r in rows if r.values["account"] is not None]
        existing = set()
        account_ids = sorted({r.values["account"].pk for r in keyed})
        for chunk in chunks(account_ids):
            existing.update(
                Contact.objects.filter(account_id__in=chunk)
                .annotate(e=Lower("email"), n=Lower("name"))
                .values_list("account_id", "e", "n")
            )
        known = {(a, e or "", n) for a, e, n in existing}
        for row in keyed:
            if self._key(row) in known:
                row.reasons.append(_("This contact exists already on the account."))
                row.duplicate = True
        self.flag_in_file(keyed, lambda r: "\x1f".join(map(str, self._key(r))), _("contact"))

    @staticmethod
    def _key(row: Row):
        v = row.values
        return (v["account"].pk, v["email"].lower(), v["name"].lower())

    def create(self, rows: list[Row]) -> int:
        contacts = [Contact(**row.values) for row in rows]
        Contact.objects.bulk_create(contacts, batch_size=1000)
        return len(contacts)


IMPORTERS = (AccountImporter, ContactImporter)
