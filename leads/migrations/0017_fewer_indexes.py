"""Five lead indexes fewer to write on every insert: the status alone and the owner alone (the
composite indexes leading with either serve their look-ups), the raw phone (duplicates compare
phone_key), and company_key's pattern index (only compared whole; one plain index stays).
Measured at 1M leads: a 20,000-row COPY 2.05 s before, 1.69 s after (four rounds each)."""


import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_search_statistics'),
        ('leads', '0016_drop_single_search_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='lead',
            name='lead_phone_idx',
        ),
        migrations.AlterField(
            model_name='historicallead',
            name='company_key',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='company key'),
        ),
        migrations.AlterField(
            model_name='historicallead',
            name='status',
            field=django_fsm.FSMField(choices=[('new', 'New'), ('working', 'Working'), ('nurturing', 'Nurturing'), ('qualified', 'Qualified'), ('disqualified', 'Disqualified'), ('converted', 'Converted')], default='new', max_length=50, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='company_key',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='company key'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='owner',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='leads', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='status',
            field=django_fsm.FSMField(choices=[('new', 'New'), ('working', 'Working'), ('nurturing', 'Nurturing'), ('qualified', 'Qualified'), ('disqualified', 'Disqualified'), ('converted', 'Converted')], default='new', max_length=50, protected=True, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['company_key'], name='lead_company_key_idx'),
        ),
    ]
