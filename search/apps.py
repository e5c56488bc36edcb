from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Global search across every stage, role-scoped: it reads each stage's selectors and
    nothing imports it."""

    name = "search"
    verbose_name = _("Search")
