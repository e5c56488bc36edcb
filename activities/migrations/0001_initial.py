"""The activities models move out of `ltc` keeping their tables and rows: only Django's
state changes here, and the content types (with their permissions) follow the models."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ['activity']


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="activities", model=model).exists():
            ContentType.objects.filter(app_label="ltc", model=model).update(app_label="activities")


def back_to_ltc(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="activities", model__in=MOVED).update(app_label="ltc")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ltc', '0002_notification_event_botwebhook_webhookendpoint_and_more'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Activity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('kind', models.CharField(choices=[('call', 'Call'), ('meeting', 'Meeting'), ('email', 'Email'), ('task', 'Task'), ('note', 'Note')], max_length=20, verbose_name='kind')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='due')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done')),
                        ('next_follow_up_at', models.DateTimeField(blank=True, null=True, verbose_name='next follow-up')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                    ],
                    options={
                        'verbose_name': 'activity',
                        'verbose_name_plural': 'activities',
                        'db_table': 'ltc_activity',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['content_type', 'object_id', 'created_at'], name='activity_record_idx'), models.Index(fields=['owner', 'next_follow_up_at'], name='activity_followup_idx'), models.Index(fields=['owner', 'due_at'], name='activity_due_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, back_to_ltc),
    ]
