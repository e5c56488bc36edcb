"""Demo opportunities in every stage, with quotes moved through the discount gate by the real
services (so each has its sign-offs and history). Idempotent: found by demo key."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Product
from customers.demo import demo_account
from leads.models import Lead
from ltc import history
from ltc.demo_records import demo_mark, demo_object
from ltc.transitions import run

from . import services
from .models import LostReason, Opportunity

# name, account, amount, owner, stage path (as sales), quote (discount %, path of (transition,
# user)) or None
DEALS = [
    ("苏州恒达 扫码枪替换", "苏州恒达电子", "60000", "sales", [], None),
    (
        "Ningbo Seaport WMS rollout",
        "Ningbo Seaport Trading",
        "240000",
        "sales",
        ["analyze"],
        ("8", []),
    ),
    (
        "北京智联 门店终端",
        "北京智联科技",
        "150000",
        "sales",
        ["analyze"],
        ("15", [("submit", "sales_support")]),
    ),
    (
        "Wuxi Precision MES phase 2",
        "Wuxi Precision Parts",
        "320000",
        "sales2",
        ["analyze"],
        ("25", [("submit", "sales_support"), ("approve", "manager")]),
    ),
    (
        "广州美嘉 收银系统",
        "广州美嘉零售",
        "90000",
        "sales",
        ["analyze", "propose"],
        ("5", [("submit", "sales_support"), ("send", "sales")]),
    ),
    (
        "Chengdu Greenfield cold chain",
        "Chengdu Greenfield Foods",
        "180000",
        "sales2",
        ["analyze", "propose", "negotiate"],
        (
            "12",
            [
                ("submit", "sales_support"),
                ("approve", "manager"),
                ("send", "sales"),
                ("accept", "sales"),
            ],
        ),
    ),
    ("天津港联 闸口改造", "天津港联", "75000", "sales2", ["lose"], None),
]


def opportunity_key(name: str) -> str:
    return f"opportunity:{name}"


def seed(out):
    User = get_user_model()
    names = ["sales", "sales2", "sales_support", "operations", "manager", "finance"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if set(names) - set(users):
        return
    products = list(Product.objects.filter(currency="CNY", active=True).order_by("code")[:3])
    for offset, (name, account_name, amount, owner, path, quote_spec) in enumerate(DEALS):
        if demo_object(opportunity_key(name), Opportunity) is not None:
            continue
        account = demo_account(account_name, users[owner])
        opp = services.opportunity_create(
            user=users[owner],
            account=account,
            name=name,
            amount=Decimal(amount),
            expected_close_date=timezone.localdate() + datetime.timedelta(days=20 + 25 * offset),
            next_step="安排现场演示 / schedule an on-site demo",
        )
        demo_mark(opportunity_key(name), opp)
        services.opportunity_assign_team(
            opportunity=opp,
            user=users[owner],
            solution_owner=users["sales_support"],
            fulfilment_owner=users["operations"],
        )
        quote = None
        for step in path:
            if step == "propose" and quote_spec and quote is None:
                quote = _quote(opp, quote_spec, users, products)
            data = {"lost_reason": LostReason.objects.first().pk} if step == "lose" else {}
            opp = run(
                obj=Opportunity.objects.get(pk=opp.pk), name=step, user=users[owner], data=data
            )
        if quote_spec and quote is None:
            _quote(opp, quote_spec, users, products)
    seed_history(users, products)
    out.write(f"Opportunities: {Opportunity.objects.count()}\n")


def seed_history(users, products):
    """The year's converted leads (ltc/history.py) taken through needs analysis, a quote
    (approved, sent and accepted or not), negotiation and the win or the loss, each step at
    its planned moment; the amount follows the quote."""
    from .models import Quote, QuoteStatus

    lost_reason = LostReason.objects.first()
    for deal in history.deals():
        if not deal.converts:
            continue
        lead = demo_object(history.lead_key(deal), Lead)
        opp = Opportunity.objects.filter(lead=lead).first() if lead is not None else None
        if opp is None:
            continue
        seller = users[deal.owner]
        if opp.solution_owner_id is None:
            with history.frozen(deal.at("convert")):
                services.opportunity_assign_team(
                    opportunity=opp,
                    user=seller,
                    solution_owner=users["sales_support"],
                    fulfilment_owner=users["operations"],
                )
        opp = history.step(opp, "analyze", seller, deal.at("analyze"))
        quote = opp.quotes.order_by("-version").first()
        if quote is None and history.due(deal.at("quote")):
            with history.frozen(deal.at("quote")):
                quote = services.quote_create(opportunity=opp, user=users["sales_support"])
                for i, product in enumerate(products[:2]):
                    services.quote_line_add(
                        quote=quote,
                        user=users["sales_support"],
                        product=product,
                        quantity=Decimal(deal.quantity + i),
                        discount_pct=Decimal(deal.discount),
                    )
        if quote is None:
            continue
        quote = Quote.objects.get(pk=quote.pk)
        quote = history.step(quote, "submit", users["sales_support"], deal.at("quote"))
        if quote.status == QuoteStatus.PENDING_APPROVAL:
            quote = history.step(quote, "approve", users["manager"], deal.at("quote"))
        opp = history.step(
            Opportunity.objects.get(pk=opp.pk), "propose", seller, deal.at("propose")
        )
        quote = history.step(quote, "send", seller, deal.at("send"))
        opp = history.step(opp, "negotiate", seller, deal.at("negotiate"))
        if not deal.wins:
            history.step(quote, "decline", seller, deal.at("lose"), {"reason": "价格 / price"})
            history.step(
                Opportunity.objects.get(pk=opp.pk),
                "lose",
                seller,
                deal.at("lose"),
                {"lost_reason": lost_reason.pk},
            )
            continue
        history.step(quote, "accept", seller, deal.at("accept_quote"))
        history.step(Opportunity.objects.get(pk=opp.pk), "win", seller, deal.at("win"))


def _quote(opp, spec, users, products):
    discount, steps = spec
    quote = services.quote_create(opportunity=opp, user=users["sales_support"])
    for product in products:
        services.quote_line_add(
            quote=quote,
            user=users["sales_support"],
            product=product,
            quantity=Decimal("10"),
            discount_pct=Decimal(discount),
        )
    for name, actor in steps:
        quote = run(obj=type(quote).objects.get(pk=quote.pk), name=name, user=users[actor])
    return quote
