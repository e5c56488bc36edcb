from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = _("Business rules")

    def ready(self):
        from django.core import signals

        from . import store

        # One look at the shared version stamp of the rules per request.
        signals.request_started.connect(store.request_started, dispatch_uid="rules-request-stamp")
        signals.request_finished.connect(store.request_finished, dispatch_uid="rules-request-stamp")
