"""Demo tickets in several states (through the real services, so each has history), a
service team with a lead to escalate to, and market feedback."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.demo import ACCOUNTS, account_key
from customers.models import Account
from ltc.demo_records import demo_mark, demo_object
from ltc.transitions import run
from roles.models import Team

from . import services
from .models import FeedbackItem, Ticket

TICKETS = [
    # subject, category, priority, path, hours ago
    ("打印机无法启动 / Printer will not start", "product", "urgent", [], 30),
    ("发票抬头错误 / Wrong company name on invoice", "billing", "normal", ["start"], 3),
    ("Delivery arrived with a damaged box", "delivery", "high", ["start", "wait"], 6),
    ("How do I reset the admin password?", "other", "low", ["start", "resolve"], 48),
]


def seed(out):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["service", "operations"])}
    if len(users) < 2:
        return
    team, _ = Team.objects.get_or_create(
        name="Customer service", defaults={"lead": User.objects.filter(username="manager").first()}
    )
    team.members.add(users["service"])
    found = (demo_object(account_key(row[0]), Account) for row in ACCOUNTS)
    accounts = [account for account in found if account is not None]
    if not accounts:
        return
    for i, (subject, category, priority, path, hours) in enumerate(TICKETS):
        if demo_object(f"ticket:{subject}", Ticket) is not None:
            continue
        account = accounts[i % len(accounts)]
        ticket = services.ticket_create(
            user=users["service"],
            account=account,
            contact=account.contacts.order_by("pk").first(),
            subject=subject,
            category=category,
            priority=priority,
            description="Demo case.",
        )
        demo_mark(f"ticket:{subject}", ticket)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=hours)
        )
        actor = users["operations"] if ticket.assigned_role == "operations" else users["service"]
        for name in path:
            data = (
                {"resolution": "Sent the reset link; confirmed working."}
                if name == "resolve"
                else {}
            )
            run(obj=Ticket.objects.get(pk=ticket.pk), name=name, user=actor, data=data)
    if demo_object("feedback:packaging", FeedbackItem) is None:
        item = services.feedback_item_create(
            user=users["service"],
            kind="complaint",
            category="delivery",
            title="包装太薄 / Packaging too thin for long-distance freight",
            account=accounts[0],
        )
        demo_mark("feedback:packaging", item)
    if demo_object("feedback:wechat-pay", FeedbackItem) is None:
        item = services.feedback_item_create(
            user=users["service"],
            kind="suggestion",
            category="market",
            title="Customers ask for WeChat Pay on invoices",
        )
        demo_mark("feedback:wechat-pay", item)
    out.write(
        f"Tickets: {Ticket.objects.count()}, feedback items: {FeedbackItem.objects.count()}\n"
    )
