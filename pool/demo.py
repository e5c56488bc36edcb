"""Demo: one lead nobody touched for longer than POOL_RETURN_DAYS, returned to the pool."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from leads import services as lead_services
from leads.models import Lead
from ltc.demo_records import demo_mark, demo_object

from . import services
from .models import PoolEntry

EMAIL = "chen.jie@idle-pool.example.cn"
KEY = f"pool-lead:{EMAIL}"


def seed(out):
    User = get_user_model()
    marketing = User.objects.filter(username="marketing").first()
    sales2 = User.objects.filter(username="sales2").first()
    if marketing is None or sales2 is None or demo_object(KEY, Lead) is not None:
        out.write(f"Pool: {PoolEntry.objects.count()}\n")
        return
    lead = lead_services.lead_create(
        user=marketing, name="陈杰", company="杭州闲置贸易", email=EMAIL, phone="13600000099"
    )
    demo_mark(KEY, lead)
    lead_services.lead_assign(lead=lead, owner=sales2, user=marketing)
    long_ago = timezone.now() - datetime.timedelta(days=services.return_days() + 15)
    Lead.objects.filter(pk=lead.pk).update(assigned_at=long_ago, created_at=long_ago)
    services.pool_return_stale()
    out.write(f"Pool: {PoolEntry.objects.count()}\n")
