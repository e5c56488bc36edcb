"""Calls, meetings, emails, tasks and notes on any record, with follow-ups."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    TASK = "task", _("Task")
    NOTE = "note", _("Note")


class Activity(models.Model):
    """A call, meeting, email or task attached to any record, with a due time and a next
    follow-up. The follow-up task notifies the owner once per follow-up time."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    next_follow_up_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "ltc_activity"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="activity_record_idx"
            ),
            models.Index(fields=["owner", "next_follow_up_at"], name="activity_followup_idx"),
            models.Index(fields=["owner", "due_at"], name="activity_due_idx"),
        ]

    def __str__(self):
        return self.subject
