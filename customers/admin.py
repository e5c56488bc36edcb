from django.contrib import admin

from .models import Account, Contact


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "owner", "credit_limit", "currency"]
    list_filter = ["industry"]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "email", "phone", "is_primary"]
    search_fields = ["name", "email", "phone", "account__name"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
