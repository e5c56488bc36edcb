"""A saved list view: the filters, sort and columns of one list, under a name of its owner's.

A view is private to its owner, or shared with a team (its members and lead see and open
it; only its owner changes it). Each user picks at most one default view per list (their own
or a shared one): opening the list with nothing in the address opens that view."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ltc.bases import TimeStamped


class SavedView(TimeStamped):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="list_views",
    )
    list_name = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    # The list's filters as a query string (`status=new&source=web`), checked against the
    # list's filter form when saved; the sort and the columns apart.
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    sort = models.CharField(_("sort"), max_length=60, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    shared_team = models.ForeignKey(
        "roles.Team",
        verbose_name=_("shared with team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="list_views",
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("list view")
        verbose_name_plural = _("list views")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "list_name", "name"], name="listview_name_per_owner_list"
            )
        ]
        indexes = [
            models.Index(fields=["shared_team", "list_name"], name="listview_shared_idx"),
        ]

    def __str__(self):
        return self.name

    def address(self) -> str:
        """The list's address opened as this view."""
        from .lists import spec_named, view_address

        spec = spec_named(self.list_name)
        if spec is None:
            return ""
        return view_address(
            spec, query=self.query, sort=self.sort, columns=self.columns, view_id=self.pk
        )


class DefaultView(models.Model):
    """The view a user's list opens with (one per user and list)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="default_list_views"
    )
    list_name = models.CharField(_("list"), max_length=40)
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        verbose_name = _("default list view")
        verbose_name_plural = _("default list views")
        constraints = [
            models.UniqueConstraint(fields=["user", "list_name"], name="listview_default_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.list_name}"
