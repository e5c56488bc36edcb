"""The notifications models move out of `ltc` keeping their tables and rows: only Django's
state changes here, and the content types (with their permissions) follow the models."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ['botwebhook', 'webhookendpoint', 'notification', 'notificationpreference', 'delivery']


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="notifications", model=model).exists():
            ContentType.objects.filter(app_label="ltc", model=model).update(app_label="notifications")


def back_to_ltc(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model__in=MOVED).update(app_label="ltc")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('ltc', '0002_notification_event_botwebhook_webhookendpoint_and_more'),
        ('roles', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BotWebhook',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('provider', models.CharField(choices=[('wecom', 'WeCom (企业微信) group bot'), ('dingtalk', 'DingTalk (钉钉) group bot'), ('feishu', 'Feishu / Lark (飞书) group bot')], max_length=20, verbose_name='provider')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('url', models.URLField(max_length=500, verbose_name='webhook URL')),
                        ('secret', models.CharField(blank=True, help_text='DingTalk and Feishu sign requests with it when set.', max_length=200, verbose_name='signing secret')),
                        ('events', models.JSONField(blank=True, default=list, help_text='Empty means every event.', verbose_name='events')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bots', to='roles.team', verbose_name='team')),
                    ],
                    options={
                        'verbose_name': 'bot webhook',
                        'verbose_name_plural': 'bot webhooks',
                        'db_table': 'ltc_botwebhook',
                        'ordering': ['team', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookEndpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('url', models.URLField(max_length=500, verbose_name='URL')),
                        ('secret', models.CharField(max_length=200, verbose_name='signing secret')),
                        ('events', models.JSONField(blank=True, default=list, help_text='Record types such as `leads.lead`, or `leads.lead.convert`; empty = all.', verbose_name='events')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'webhook endpoint',
                        'verbose_name_plural': 'webhook endpoints',
                        'db_table': 'ltc_webhookendpoint',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=200)),
                        ('event', models.CharField(db_index=True, default='', max_length=60, verbose_name='event')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='body')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'ltc_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['recipient', 'read_at', 'created_at'], name='notification_inbox_idx')],
                        'constraints': [models.UniqueConstraint(fields=('recipient', 'key'), name='notification_once_per_key')],
                    },
                ),
                migrations.CreateModel(
                    name='NotificationPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(max_length=60, verbose_name='event')),
                        ('in_app', models.BooleanField(default=True, verbose_name='in the app')),
                        ('email', models.BooleanField(default=True, verbose_name='by email')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_prefs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'notification preference',
                        'verbose_name_plural': 'notification preferences',
                        'db_table': 'ltc_notificationpreference',
                        'constraints': [models.UniqueConstraint(fields=('user', 'event'), name='notification_pref_once')],
                    },
                ),
                migrations.CreateModel(
                    name='Delivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('payload', models.JSONField()),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('delivered', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=20)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('response_code', models.PositiveSmallIntegerField(null=True)),
                        ('last_error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('delivered_at', models.DateTimeField(null=True)),
                        ('bot', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.botwebhook')),
                        ('endpoint', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.webhookendpoint')),
                    ],
                    options={
                        'db_table': 'ltc_delivery',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['status', 'created_at'], name='delivery_status_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, back_to_ltc),
    ]
