from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import Role, Team

DEMO_PASSWORD = "demo-ltc-2026"
NAMES = {
    "marketing": ("Mei", "Lin"),
    "sales": ("Wei", "Zhang"),
    "sales_support": ("Fang", "Liu"),
    "operations": ("Jun", "Chen"),
    "finance": ("Li", "Wang"),
    "service": ("Xiu", "Zhao"),
    "manager": ("Hao", "Sun"),
}


def seed(out):
    User = get_user_model()
    created = []
    for slug in Role.values:
        first, last = NAMES[slug]
        user, new = User.objects.get_or_create(
            username=slug,
            defaults={"first_name": first, "last_name": last, "email": f"{slug}@demo.ltc"},
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(slug)
        user.groups.add(Group.objects.get(name=slug))
    sales2, new = User.objects.get_or_create(
        username="sales2",
        defaults={"first_name": "Qiang", "last_name": "Huang", "email": "sales2@demo.ltc"},
    )
    if new:
        sales2.set_password(DEMO_PASSWORD)
        sales2.save()
    sales2.groups.add(Group.objects.get(name="sales"))
    admin, new = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@demo.ltc", "is_staff": True, "is_superuser": True},
    )
    if new:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    team, _ = Team.objects.get_or_create(
        name="East China sales", defaults={"lead": User.objects.get(username="manager")}
    )
    team.members.add(User.objects.get(username="sales"), sales2)
    out.write(
        f"Demo users (password for all: {DEMO_PASSWORD}): admin, {', '.join(Role.values)}, "
        f"sales2{' (new)' if created else ''}\n"
    )
