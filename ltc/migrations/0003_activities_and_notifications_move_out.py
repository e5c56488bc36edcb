"""Activities and notifications now live in their own apps; their tables stay (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('activities', '0001_initial'),
        ('ltc', '0002_notification_event_botwebhook_webhookendpoint_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='botwebhook',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='delivery',
                    name='bot',
                ),
                migrations.RemoveField(
                    model_name='delivery',
                    name='endpoint',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='notificationpreference',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='webhookendpoint',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='Activity',
                ),
                migrations.DeleteModel(
                    name='BotWebhook',
                ),
                migrations.DeleteModel(
                    name='Delivery',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='NotificationPreference',
                ),
                migrations.DeleteModel(
                    name='WebhookEndpoint',
                ),
            ],
        ),
    ]
