from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListViewsConfig(AppConfig):
    """Saved list views: each user's columns, sort and filters of a list, by name; private or
    shared with a team; one default per list."""

    name = "listviews"
    verbose_name = _("List views")
