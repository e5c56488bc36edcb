"""In-app notifications, preferences, group bots, integrator webhooks and their deliveries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notification; `key` makes each notice unique per recipient, so a task that
    runs twice cannot notify twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(max_length=200)
    event = models.CharField(_("event"), max_length=60, default="", db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # The event's message ids and parameters ({"title": {"text", "params"}, "body": ...}),
    # written in the reader's language when shown; empty: title and body are shown as stored.
    message = models.JSONField(_("message"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        db_table = "ltc_notification"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (the reader's)."""
        from .messages import render

        text = render(self.message.get("title")) if self.message else ""
        if not text:
            return self.title
        limit = self._meta.get_field("title").max_length or len(text)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    @property
    def display_body(self) -> str:
        from .messages import render

        if self.message and self.message.get("body"):
            return render(self.message["body"])
        return self.body


class UserLanguage(models.Model):
    """The language a user reads the app and their notifications in, chosen in the language
    switcher or on the notification settings page. No row: the site's language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ltc_userlanguage"
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self):
        return f"{self.user} · {self.language}"


class NotificationPreference(models.Model):
    """A user's choice for one event (the key prefix of a notification, e.g. `follow-up`).
    No row means in-app and email are both on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    event = models.CharField(_("event"), max_length=60)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        db_table = "ltc_notificationpreference"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_pref_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.event}"


class BotProvider(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信) group bot")
    DINGTALK = "dingtalk", _("DingTalk (钉钉) group bot")
    FEISHU = "feishu", _("Feishu / Lark (飞书) group bot")


class BotWebhook(models.Model):
    """A team's group-chat bot: notifications to the team's members are posted there too."""

    team = models.ForeignKey(
        "roles.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="bots"
    )
    provider = models.CharField(_("provider"), max_length=20, choices=BotProvider.choices)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu sign requests with it when set."),
    )
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("Empty means every event.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ltc_botwebhook"
        ordering = ["team", "name"]
        verbose_name = _("bot webhook")
        verbose_name_plural = _("bot webhooks")

    def __str__(self):
        return f"{self.team} · {self.name}"

    def clean(self):
        from .outbound import check_url

        check_url(self.url)

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class WebhookEndpoint(models.Model):
    """An integrator's endpoint: every transition of a subscribed record type is POSTed as
    HMAC-SHA256-signed JSON."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200)
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("Record types such as `leads.lead`, or `leads.lead.convert`; empty = all."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ltc_webhookendpoint"
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name

    def clean(self):
        from .outbound import check_url

        check_url(self.url)

    def wants(self, record_type: str, transition: str) -> bool:
        if not self.active:
            return False
        return not self.events or bool(
            {record_type, f"{record_type}.{transition}"} & set(self.events)
        )


class Delivery(models.Model):
    """The outbox: one outgoing message (an email, a group-bot post or a webhook), written in
    the transaction of its cause and sent after commit, or later by the sweeper.

    A sender claims a row by moving it from pending to sending in one conditional UPDATE, so
    two workers or sweepers never send it twice; a failed attempt puts it back to pending with
    `next_attempt_at` pushed out (exponential backoff) until it gives up as failed.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        BOT = "bot", _("Group bot")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEBHOOK)
    bot = models.ForeignKey(
        BotWebhook, on_delete=models.CASCADE, null=True, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, null=True, related_name="deliveries"
    )
    payload = models.JSONField(
        default=dict,
        help_text="Bots and webhooks: the JSON posted. Email: to, subject, body, attachments.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True)
    last_error = models.TextField(blank=True)
    # Webhooks: the event's id, sent in the body ("id") and the X-LTC-Event-Id header; the same
    # on every retry and on every redelivery, so a receiver drops what it has already handled.
    event_id = models.UUIDField(null=True, blank=True, editable=False)
    redelivery_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ltc_delivery"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="delivery_status_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            # an endpoint's delivery log, newest first, and its look-up by event id
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_log_idx"),
            models.Index(fields=["event_id"], name="delivery_event_idx"),
        ]

    def __str__(self):
        at = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{self.get_kind_display()} · {self.get_status_display()} · {at}"
