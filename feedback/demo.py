"""Demo tickets in several states (through the real services, so each has history), a
service team with a lead to escalate to, and market feedback."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.demo import ACCOUNTS, account_key
from customers.models import Account
from ltc import history
from ltc.demo_records import demo_mark, demo_object
from ltc.transitions import run
from roles.models import Team

from . import services
from .models import FeedbackItem, Survey, Ticket

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
    seed_history(users)
    out.write(
        f"Tickets: {Ticket.objects.count()}, feedback items: {FeedbackItem.objects.count()}\n"
    )


def seed_history(users):
    """For the year's delivered orders (ltc/history.py): the NPS survey answered a few days
    after delivery, and for some an after-sales ticket opened, worked and resolved, its CSAT
    survey answered the next day; each at its planned moment."""
    from leads.models import Lead
    from orders.models import Order

    service = users["service"]
    for deal in history.deals():
        if not (deal.converts and deal.wins):
            continue
        lead = demo_object(history.lead_key(deal), Lead)
        order = (
            Order.objects.filter(contract__opportunity__lead=lead).select_related("account").first()
            if lead is not None
            else None
        )
        if order is None:
            continue
        _review_call(order.account)
        if order.delivered_on is None:
            continue
        _answer(Survey.objects.filter(order=order).first(), deal.nps, deal.deliver_at(), 3)
        if not deal.ticket:
            continue
        opened = deal.at("ticket", deal.late_delivery_days)
        if not history.due(opened):
            continue
        ticket_key = f"history:ticket:{deal.index:03d}"
        ticket = demo_object(ticket_key, Ticket)
        if ticket is None:
            with history.frozen(opened):
                ticket = services.ticket_create(
                    user=service,
                    account=order.account,
                    order=order,
                    subject=f"安装咨询 / Installation question ({order})",
                    category="other",
                    priority="normal",
                    description="Demo case.",
                )
            demo_mark(ticket_key, ticket)
        ticket = history.step(ticket, "start", service, opened + datetime.timedelta(hours=2))
        resolved = deal.at("resolve", deal.late_delivery_days)
        ticket = history.step(
            ticket, "resolve", service, resolved, {"resolution": "已远程指导 / Guided remotely."}
        )
        csat = 5 if deal.nps >= 9 else 4 if deal.nps >= 7 else 2
        _answer(Survey.objects.filter(ticket=ticket).first(), csat, resolved, 1)


REVIEW = "客户回访 / Account review call"


def _review_call(account):
    """A current customer's owner called them yesterday: customers with a running contract
    keep their owner (the public pool takes back only accounts left idle)."""
    from activities.models import Activity
    from activities.services import activity_create

    key = f"history:review-call:{account.pk}"
    if account.owner_id is None or demo_object(key, Activity) is not None:
        return
    with history.frozen(timezone.now() - datetime.timedelta(days=1)):
        call = activity_create(
            record=account, owner=account.owner, kind="call", subject=REVIEW, done=True
        )
    demo_mark(key, call)


def _answer(survey, score, after, days):
    """The customer answers `days` after `after` (once; an answered survey stays as is)."""
    when = after + datetime.timedelta(days=days)
    if survey is None or survey.answered_at is not None or not history.due(when):
        return
    with history.frozen(when):
        services.survey_answer(token=services.survey_link_token(survey), score=score)
