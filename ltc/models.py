from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionLog(models.Model):
    """One row per transition that ran: who, when, from, to, which, and why.

    KPIs read dwell times from here: the time a record entered a state is the `at` of the
    row whose `target` is that state.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=50)
    source = models.CharField(_("from"), max_length=50)
    target = models.CharField(_("to"), max_length=50)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="translog_record_idx"),
            models.Index(fields=["content_type", "target", "at"], name="translog_target_idx"),
            models.Index(fields=["by", "at"], name="translog_by_idx"),
        ]

    def __str__(self):
        return f"{self.transition}: {self.source} → {self.target}"


class IdempotencyKey(models.Model):
    """The first answer to a POST carrying an Idempotency-Key; a retry gets it back.

    The unique constraint makes concurrent retries wait for the first one and then read its
    answer, so twenty identical requests create one record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path", "key"], name="idempotency_once")
        ]

    def __str__(self):
        return f"{self.path} · {self.key}"


class DemoRecord(models.Model):
    """A row created by `seed_demo`, found again by its demo key. The seed recognises its own
    rows only through this table, never by names that users can also type."""

    key = models.CharField(max_length=200, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("demo record")
        verbose_name_plural = _("demo records")

    def __str__(self):
        return self.key


class ImportJob(models.Model):
    """One uploaded file of an entity (accounts, contacts, products, opportunities, opening
    invoices), checked and imported by a Celery task on the "imports" queue (ltc.imports).

    The request only stores the file and queues the task, so a slow or hostile file never
    holds a web worker. The page polls `rows_checked` / `rows_total` while the task runs, then
    shows the stored report. The file is deleted once read. A job's progress is bookkeeping,
    not a business state: queued until `started_at`, running until `finished_at`, failed
    when `error` is set. Lead files have their own job (leads.LeadImport).
    """

    entity = models.CharField(_("what"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    only_good_rows = models.BooleanField(_("import only the good rows"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)  # of the report
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in file"), null=True, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["user", "entity", "created_at"], name="import_job_user_idx")
        ]

    def __str__(self):
        return self.file_name or f"#{self.pk}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("import-job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_checked * 100 / self.rows_total))

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.finished:
            return "finished"
        return "running" if self.started_at else "queued"


class Tag(models.Model):
    """A free label put on records of any list (bulk "tag"); one name, shared by everyone."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class TaggedRecord(models.Model):
    """One tag on one record (any model: content type and id)."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_type", "object_id"], name="tagged_record_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="tagged_record_idx")]

    def __str__(self):
        return f"{self.tag_id}:{self.content_type_id}:{self.object_id}"
