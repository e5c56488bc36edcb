"""Helpers for the data migrations that give each role its model permissions.

Each stage app grants the permissions of its own models in its own data migration, so a
fresh database has every role with exactly what DESIGN.md gives it.
"""

from django.contrib.auth.management import create_permissions


def grant(apps, schema_editor, app_label: str, grants: dict[str, list[str]]):
    """grants: role slug -> ["add_lead", "view_lead", ...] for models of app_label."""
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for slug, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=slug)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"{app_label}: unknown permissions {sorted(missing)}")
        group.permissions.add(*perms)


def revoke(apps, schema_editor, app_label: str, grants: dict[str, list[str]]):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for slug, codenames in grants.items():
        group = Group.objects.filter(name=slug).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
