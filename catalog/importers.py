"""Products and their prices from CSV/XLSX (the shared flow is ltc.imports). A code already
in the catalogue or repeated in the file is a bad row: the import creates, never overwrites."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ltc.imports import Column, Importer, Row, chunks, parse_bool, parse_decimal, value_text

from .models import Product


def _currencies() -> str:
    return ", ".join(settings.LTC["CURRENCIES"])


class ProductImporter(Importer):
    entity = "products"
    label = gettext_lazy("Products")
    policy = "catalog.import"
    model = Product
    export = "products"
    list_url = "catalog:product-list"
    columns = (
        Column("code", ("sku", "product code", "编码", "产品编码", "物料编码"), required=True,
               field="code", allowed=gettext_lazy("unique, up to 40 characters")),
        Column("name", ("product", "product name", "名称", "产品名称"), required=True,
               field="name"),
        Column("description", ("描述", "说明"), field="description"),
        Column("unit", ("单位",), field="unit", allowed=gettext_lazy("blank: pcs")),
        Column("price", ("unit price", "list price", "单价", "价格", "标准价"), required=True,
               field="price", allowed=gettext_lazy("a number ≥ 0, two decimals at most")),
        Column("currency", ("币种",), field="currency", allowed=_currencies),
        Column("tax_rate", ("tax", "tax rate", "税率"), field="tax_rate",
               allowed=gettext_lazy("percent 0–100; blank: 13")),
        Column("active", ("启用", "有效"), field="active",
               allowed=gettext_lazy("1/0, yes/no, 是/否; blank: yes")),
    )  # fmt: skip
    example_rows = (
        ("HX-200", "数控机床 HX-200", "五轴联动", "台", "286000.00", "CNY", "13", "是"),
        ("SVC-Y1", "Annual service plan", "on-site, 8x5", "year", "12000", "CNY", "6", "1"),
    )

    def check(self, row: Row) -> None:
        v = row.values
        v["code"] = self.text(row, "code", required=True)
        v["name"] = self.text(row, "name", required=True)
        v["description"] = self.text(row, "description")
        v["unit"] = self.text(row, "unit") or "pcs"
        price = parse_decimal(row.raw.get("price"), self.label_of("price"), row.reasons)
        if price is None and not value_text(row.raw.get("price")):
            row.reasons.append(_("%(field)s is required.") % {"field": self.label_of("price")})
        v["price"] = price
        v["currency"] = self.currency(row)
        tax = parse_decimal(
            row.raw.get("tax_rate"),
            self.label_of("tax_rate"),
            row.reasons,
            maximum=Decimal(100),
        )
        v["tax_rate"] = Decimal("13.00") if tax is None else tax
        active = value_text(row.raw.get("active"))
        v["active"] = parse_bool(active, self.label_of("active"), row.reasons) if active else True

    def check_all(self, rows: list[Row]) -> None:
        codes = sorted({r.values["code"] for r in rows if r.values.get("code")})
        existing: dict[str, int] = {}
        for chunk in chunks(codes):
            existing.update(Product.objects.filter(code__in=chunk).values_list("code", "pk"))
        for row in rows:
            pk = existing.get(row.values.get("code", ""))
            if pk is not None:
                row.reasons.append(
                    _("A product with this code exists already (#%(id)d).") % {"id": pk}
                )
                row.duplicate = True
        self.flag_in_file(rows, lambda r: r.values.get("code", ""), _("code"))

    def create(self, rows: list[Row]) -> int:
        products = [Product(**row.values) for row in rows]
        Product.objects.bulk_create(products, batch_size=1000)
        return len(products)


IMPORTERS = (ProductImporter,)
