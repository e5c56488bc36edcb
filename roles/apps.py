from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Roles and teams")

    def ready(self):
        post_migrate.connect(restore_roles, sender=self, dispatch_uid="roles-restore")


def restore_roles(sender, using="default", **kwargs):
    """Re-create the role groups and their grants when a flush emptied them.

    The data migrations create them on a fresh database; a flush (a transactional test's
    teardown) empties the tables and emits post_migrate, which lands here.
    """
    import importlib
    import pkgutil

    from django.apps import apps
    from django.contrib.auth.models import Group

    from .migration_utils import grant
    from .models import Role

    if Group.objects.using(using).filter(name__in=Role.values).count() == len(Role.values):
        return
    for slug in Role.values:
        Group.objects.using(using).get_or_create(name=slug)
    for config in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            grants = getattr(module, "GRANTS", None)
            if isinstance(grants, dict):
                grant(apps, None, config.label, grants)
