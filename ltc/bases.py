"""Abstract model bases for the columns most records share: when a record was created and
last changed, and who created it. Inheriting them adds no column a model did not have."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    """`created_at` (settable, e.g. by an import or the demo; indexed for "newest first" and
    period filters) and `updated_at` (every save)."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CreatedBy(models.Model):
    """Who created the record; kept (as empty) when that user is deleted."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
