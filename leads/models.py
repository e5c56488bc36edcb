from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from customers.names import company_key as name_key
from customers.phones import validate_phone
from customfields.models import CustomValuesMixin
from ltc.audit import audit_history
from ltc.bases import CreatedBy, TimeStamped
from ltc.money import CurrencyField, MoneyField
from ltc.searchtext import search_text_field
from ltc.transitions import StateMachineModel
from roles.permissions import RolePermission
from rules import accessors as rule_values

from .phones import PhoneKey


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Working")
    NURTURING = "nurturing", _("Nurturing")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class LeadSource(models.TextChoices):
    WEB = "web", _("Web form")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event")
    CAMPAIGN = "campaign", _("Campaign")
    COLD_CALL = "cold_call", _("Cold call")
    PARTNER = "partner", _("Partner")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    OTHER = "other", _("Other")


S = LeadStatus
FORMS = "leads.forms"


def validate_lead_source(value):
    """A key of the lead sources (a business rule edited in the browser), offered or retired:
    a record keeps a retired source valid. Forms and the API offer the active ones only."""
    if value not in {source.value for source in rule_values.lead_sources()}:
        raise ValidationError(_("“%(value)s” is not a lead source."), params={"value": value})


def check_offered_source(value: str, record=None) -> None:
    """A write may set an offered source, or keep the record's own (even if retired)."""
    if record is not None and record.pk and record.source == value:
        return
    if value not in dict(rule_values.lead_source_choices()):
        raise ValidationError(
            _("“%(value)s” is not an offered lead source."), params={"value": value}
        )


def lead_source_display(record) -> str:
    return rule_values.lead_source_label(record.source)


class Lead(StateMachineModel, CreatedBy, TimeStamped, CustomValuesMixin):
    name = models.CharField(_("contact name"), max_length=120)
    company = models.CharField(_("company"), max_length=200, blank=True)
    # The company name as compared for duplicates (customers.names), kept by save() and the
    # importer.
    company_key = models.CharField(_("company key"), max_length=200, blank=True, editable=False)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    # Digits-only phone (leads.phones) maintained by the database, indexed for duplicate checks.
    phone_key = models.GeneratedField(
        expression=PhoneKey("phone"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
        verbose_name=_("phone key"),
    )
    # What the list search looks in, one trigram-indexed column (ltc/searchtext.py).
    search_text = search_text_field("name", "company", "email", "phone")
    # The key of a lead source (LeadSource are the built-in ones; the list is a business rule).
    source = models.CharField(
        _("source"), max_length=20, default=LeadSource.OTHER, validators=[validate_lead_source]
    )
    campaign = models.CharField(_("campaign"), max_length=120, blank=True)
    status = FSMField(_("status"), default=S.NEW, choices=S.choices, protected=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        db_index=False,  # the indexes below that start with the owner serve its look-ups
    )
    # Qualification (BANT): all four are needed to qualify.
    need = models.TextField(_("need"), blank=True)
    budget = MoneyField(_("budget"), null=True, blank=True)
    currency = CurrencyField()
    expected_close_date = models.DateField(_("timeline (expected close)"), null=True, blank=True)
    decision_maker = models.CharField(_("decision maker"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    score = models.PositiveSmallIntegerField(_("score"), default=0, db_index=True)
    disqualify_reason = models.TextField(_("disqualification reason"), blank=True)
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    next_follow_up_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["owner", "status", "created_at"], name="lead_owner_status_idx"),
            models.Index(fields=["status", "created_at"], name="lead_status_created_idx"),
            # The list's order (-created_at, -pk) under its filters: a salesperson's own leads,
            # status + source; each page is a backward index range scan, no sort.
            models.Index(fields=["owner", "created_at", "id"], name="lead_owner_created_idx"),
            models.Index(
                fields=["status", "source", "created_at", "id"], name="lead_status_source_idx"
            ),
            models.Index(fields=["source", "created_at"], name="lead_source_idx"),
            # Counting a salesperson's (or a team's) status + source filter: an index-only
            # scan of exactly the matching entries (the key is included).
            models.Index(
                fields=["owner", "status", "source"], include=["id"], name="lead_owner_filter_idx"
            ),
            models.Index(Lower("email"), name="lead_email_lower_idx"),
            models.Index(fields=["phone_key"], name="lead_phone_key_idx"),
            models.Index(Lower("company"), name="lead_company_lower_idx"),
            models.Index(fields=["owner", "next_follow_up_at"], name="lead_followup_idx"),
            models.Index(fields=["company_key"], name="lead_company_key_idx"),
        ]
        # No index of the status or the owner alone (those above start with either), none of
        # the raw phone (duplicates compare phone_key) and no pattern index of company_key:
        # each is one more to write on every insert (leads.0017).

    get_source_display = lead_source_display

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("name", "company")

    def __str__(self):
        return f"{self.name} ({self.company})" if self.company else self.name

    def save(self, *args, **kwargs):
        self.company_key = name_key(self.company)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "company" in update_fields:
            kwargs["update_fields"] = {*update_fields, "company_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("leads:detail", args=[self.pk])

    def record_activity(self, activity):
        from .scoring import lead_score

        self.last_activity_at = activity.created_at
        self.score = lead_score(self)
        Lead.objects.filter(pk=self.pk).update(
            last_activity_at=self.last_activity_at, score=self.score
        )

    def missing_qualification(self) -> dict[str, str]:
        missing = {}
        if not self.need.strip():
            missing["need"] = _("Describe the customer's need before qualifying.")
        if self.budget is None:
            missing["budget"] = _("Record the budget before qualifying.")
        if self.expected_close_date is None:
            missing["expected_close_date"] = _("Record the timeline before qualifying.")
        if not self.decision_maker.strip():
            missing["decision_maker"] = _("Name the decision maker before qualifying.")
        return missing

    # --- transitions (DESIGN.md, Lead) ---------------------------------------------------
    @transition(
        field=status,
        source=S.NEW,
        target=S.WORKING,
        permission=RolePermission("sales", owner_field="owner"),
        custom={"label": _("Start work")},
    )
    def start_work(self, *, by=None):
        pass

    @transition(
        field=status,
        source=[S.NEW, S.WORKING],
        target=S.NURTURING,
        permission=RolePermission("marketing", "sales"),
        custom={"label": _("Nurture")},
    )
    def nurture(self, *, by=None):
        pass

    @transition(
        field=status,
        source=S.NURTURING,
        target=S.NEW,
        permission=RolePermission("marketing"),
        custom={"label": _("Recycle")},
    )
    def recycle(self, *, by=None):
        pass

    @transition(
        field=status,
        source=S.WORKING,
        target=S.QUALIFIED,
        permission=RolePermission("sales"),
        custom={"label": _("Qualify"), "form": f"{FORMS}.QualifyForm"},
    )
    def qualify(
        self, *, by=None, need="", budget=None, expected_close_date=None, decision_maker=""
    ):
        self.need = need or self.need
        self.budget = budget if budget is not None else self.budget
        self.expected_close_date = expected_close_date or self.expected_close_date
        self.decision_maker = decision_maker or self.decision_maker
        missing = self.missing_qualification()
        if missing:
            raise ValidationError(missing)

    @transition(
        field=status,
        source=[S.NEW, S.WORKING, S.NURTURING, S.QUALIFIED],
        target=S.DISQUALIFIED,
        permission=RolePermission("marketing", "sales"),
        custom={"label": _("Disqualify"), "form": "ltc.forms.ReasonForm"},
    )
    def disqualify(self, *, by=None, reason=""):
        if not reason.strip():
            raise ValidationError({"reason": _("A reason is required.")})
        self.disqualify_reason = reason

    @transition(
        field=status,
        source=S.QUALIFIED,
        target=S.CONVERTED,
        permission=RolePermission("sales"),
        custom={"label": _("Convert"), "form": f"{FORMS}.ConvertForm"},
    )
    def convert(self, *, by=None, account=None):
        # The account, contact (and, with the opportunities stage, the opportunity) are
        # created or linked by leads.services.lead_convert in the same transaction.
        if self.converted_at is not None:
            raise ValidationError(_("This lead was already converted."))
        self.converted_at = timezone.now()

    @transition(
        field=status,
        source=S.DISQUALIFIED,
        target=S.NEW,
        permission=RolePermission("manager"),
        custom={"label": _("Reopen")},
    )
    def reopen(self, *, by=None):
        self.disqualify_reason = ""


class LeadUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class LeadGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class RoundRobinCursor(models.Model):
    """Who got the last lead from the round-robin rule; one row per rule name."""

    rule = models.CharField(max_length=50, unique=True)
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self):
        return f"{self.rule} → {self.last_user_id}"


class LeadImport(models.Model):
    """One uploaded lead file, checked and imported by a Celery task (leads.tasks).

    The request that uploads the file only stores it and queues the task, so a slow or
    hostile file never holds a web worker. The page polls `rows_checked` / `rows_total`
    while the task runs, then shows the stored report. The file is deleted once read.
    A job's progress is bookkeeping, not a business state: queued until `started_at`,
    running until `finished_at`, failed when `error` is set.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="lead_imports",
    )
    file = models.FileField(_("file"), upload_to="imports/leads/%Y/%m/", max_length=300)
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
        verbose_name = _("lead import")
        verbose_name_plural = _("lead imports")
        indexes = [models.Index(fields=["user", "created_at"], name="lead_import_user_idx")]

    def __str__(self):
        return self.file_name or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("leads:import-detail", args=[self.pk])

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
