"""Custom fields in exports and imports: a field of each type exported under its label in the
reader's language, imported back from that export (English or Chinese headers) with the
same values; a role that may not see a field never gets its column; bad cells reported."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from customers.models import Account
from customers.tests.factories import AccountFactory
from customfields.models import FieldType
from customfields.tests.factories import EXAMPLES, define, define_each_type
from leads.importer import import_leads
from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc.exports import download_bytes, read_table, registry
from ltc.tests.importing import run
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def stored_examples(user) -> dict:
    values = {f"f_{kind}": stored for kind, (_g, stored, _f, _w) in EXAMPLES.items()}
    values[f"f_{FieldType.USER}"] = user.pk
    return values


def export(name, queryset, user, fmt, language="en") -> list[list]:
    with translation.override(language):
        data = download_bytes(registry()[name].response(queryset, fmt, user))
    return data, read_table(data, fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_lead_export_of_each_type_imports_again(fmt, language):
    marketing = user_with("marketing")
    definitions = define_each_type("lead")
    values = stored_examples(marketing)
    LeadFactory(custom=values)
    data, table = export("leads", Lead.objects.all(), marketing, fmt, language)
    header = table[0]
    with translation.override(language):
        for definition in definitions.values():
            assert definition.label in header
    Lead.objects.all().delete()
    with translation.override(language):
        report = import_leads(file=SimpleUploadedFile(f"leads.{fmt}", data), user=marketing)
    assert report.errors == [], report.errors
    assert report.created == 1
    assert Lead.objects.get().custom == values


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_account_export_of_each_type_imports_again(fmt):
    marketing = user_with("marketing")
    define_each_type("account")
    values = stored_examples(marketing)
    AccountFactory(custom=values, name="华东机械")
    data, _table = export("accounts", Account.objects.all(), marketing, fmt, "zh-hans")
    Account.objects.all().delete()
    with translation.override("zh-hans"):
        report = run("accounts", marketing, SimpleUploadedFile(f"accounts.{fmt}", data))
    assert report.errors == [], report.errors
    assert Account.objects.get().custom == values


def test_a_role_that_may_not_see_a_field_gets_no_column_in_the_export():
    define("lead", "margin", FieldType.TEXT, label_en="Secret margin", view_roles=["manager"])
    LeadFactory(custom={"margin": "42 pct"})
    _data, table = export("leads", Lead.objects.all(), user_with("marketing"), "csv")
    assert "Secret margin" not in table[0] and "42 pct" not in str(table)
    _data, table = export("leads", Lead.objects.all(), user_with("manager"), "csv")
    assert "Secret margin" in table[0] and "42 pct" in str(table)


def test_the_export_page_carries_the_field_and_follows_its_filter():
    from django.test import Client

    define("lead", "industry", FieldType.CHOICE, label_en="Industry")
    marketing = user_with("marketing")
    LeadFactory(custom={"industry": "零售"}, name="Retail one")
    LeadFactory(custom={"industry": "制造业"}, name="Factory one")
    client = Client()
    client.force_login(marketing)
    answer = client.get("/leads/", {"export": "csv", "cf_industry": "零售"})
    table = read_table(download_bytes(answer), "csv")
    assert "Industry" in table[0]
    names = (
        [row[table[0].index("Contact name")] for row in table[1:]]
        if "Contact name" in table[0]
        else str(table)
    )
    assert "Retail one" in str(names) and "Factory one" not in str(table)


def test_bad_custom_cells_are_reported_per_row():
    marketing = user_with("marketing")
    define("lead", "volume", FieldType.INTEGER, label_en="Volume", label_zh="采购量")
    define("lead", "industry", FieldType.CHOICE, label_en="Industry", label_zh="行业")
    text = "name,email,采购量,行业\nLiu,liu@example.cn,many,零售\nWang,wang@example.cn,12,农业\n"
    report = import_leads(file=SimpleUploadedFile("l.csv", text.encode()), user=marketing)
    assert report.created == 0
    reasons = {e.row: " ".join(e.reasons) for e in report.errors}
    assert "Volume: Enter a whole number." in reasons[2]
    assert "“农业” is not one of the choices" in reasons[3]


def test_a_field_the_importer_may_not_edit_is_refused():
    marketing = user_with("marketing")
    define("account", "rating", FieldType.INTEGER, label_en="Rating", edit_roles=["manager"])
    text = "name,Rating\nAcme,3\n"
    report = run("accounts", marketing, SimpleUploadedFile("a.csv", text.encode()))
    assert report.created == 0
    assert "your role may not change this field" in str(report.errors)
