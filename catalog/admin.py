from django.contrib import admin

from .models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "price", "currency", "tax_rate", "active"]
    list_filter = ["active", "currency"]
    search_fields = ["code", "name"]
