from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Roles and teams")

    def ready(self):
        from django.core.signals import request_started

        from .permissions import new_request

        request_started.connect(new_request, dispatch_uid="roles.permissions.new_request")
