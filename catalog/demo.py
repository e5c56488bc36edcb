from decimal import Decimal

from .models import Product

# code, name, unit, price, tax rate, physical goods (shipped with carrier and tracking number)
PRODUCTS = [
    ("ERP-STD", "ERP 标准版 (Standard licence)", "seat", "3800.00", "13.00", False),
    ("ERP-PRO", "ERP 专业版 (Professional licence)", "seat", "6800.00", "13.00", False),
    ("IMPL-DAY", "实施服务 (Implementation day)", "day", "2500.00", "6.00", False),
    ("SCAN-X1", "工业扫码枪 X1 (Barcode scanner)", "pcs", "1299.00", "13.00", True),
    ("SUP-YEAR", "年度支持服务 (Annual support)", "year", "12000.00", "6.00", False),
]


def seed(out):
    for code, name, unit, price, tax, goods in PRODUCTS:
        Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "price": Decimal(price),
                "tax_rate": Decimal(tax),
                "is_goods": goods,
            },
        )
    out.write(f"Products: {Product.objects.count()}\n")
