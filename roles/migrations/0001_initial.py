from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion

ROLES = ["marketing", "sales", "sales_support", "operations", "finance", "service", "manager"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for slug in ROLES:
        Group.objects.get_or_create(name=slug)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Team",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("lead", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="led_teams", to=settings.AUTH_USER_MODEL, verbose_name="team lead")),
                ("members", models.ManyToManyField(blank=True, related_name="teams", to=settings.AUTH_USER_MODEL, verbose_name="members")),
            ],
            options={"ordering": ["name"], "verbose_name": "team", "verbose_name_plural": "teams"},
        ),
        migrations.RunPython(create_groups, remove_groups),
    ]
