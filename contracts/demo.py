"""Demo contracts: won deals whose contracts sit in draft (with a 30/70 plan), in review and
signed, each moved there through the real services so it has its history. Idempotent: found
by the deal's demo key. The orders demo (orders/demo.py) takes the signed ones further."""

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
from opportunities import services as opp_services
from opportunities.demo import opportunity_key
from opportunities.models import Opportunity

from . import services
from .models import Contract

# deal name, account, how far the contract goes
DEALS = [
    ("杭州云帆 仓储机器人", "杭州云帆物流", "draft"),
    ("Shenzhen Brightline self-service kiosks", "Shenzhen Brightline Retail", "in_review"),
    ("青岛海通 冷库监控", "青岛海通冷链", "signed"),
    ("Xiamen Harbour scanners", "Xiamen Harbour Logistics", "signed"),
]
PLAN = [
    {"name": "预付款 / Deposit", "percentage": Decimal("30"), "trigger": "on_signing"},
    {"name": "到货款 / On delivery", "percentage": Decimal("70"), "trigger": "on_delivery"},
]


def seed(out):
    User = get_user_model()
    names = ["sales", "sales2", "sales_support", "operations", "finance", "manager"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    products = list(Product.objects.filter(currency="CNY", active=True).order_by("code")[:2])
    if set(names) - set(users) or not products:
        return
    for name, account_name, target in DEALS:
        if demo_object(opportunity_key(name), Opportunity) is not None:
            continue
        account = demo_account(account_name, users["sales"])
        contract = _won_contract(name, account, users, products)
        _advance(contract, target, users)
    seed_history(users)
    out.write(f"Contracts: {Contract.objects.count()}\n")


HISTORY_PLAN = [
    {"name": "预付款 / Deposit", "percentage": Decimal("30"), "trigger": "on_signing"},
    {"name": "到货款 / On delivery", "percentage": Decimal("60"), "trigger": "on_delivery"},
    {"name": "验收款 / On acceptance", "percentage": Decimal("10"), "trigger": "on_acceptance"},
]


def seed_history(users):
    """The year's won deals (ltc/history.py): each contract gets a 30/60/10 plan (signing,
    delivery, acceptance), goes through review and is signed at its planned moments."""
    from .models import ContractStatus

    for deal in history.deals():
        if not (deal.converts and deal.wins):
            continue
        lead = demo_object(history.lead_key(deal), Lead)
        contract = (
            Contract.objects.filter(opportunity__lead=lead).first() if lead is not None else None
        )
        if contract is None or not history.due(deal.at("submit_for_review")):
            continue
        support = users["sales_support"]
        if contract.status == ContractStatus.DRAFT and not contract.milestones.exists():
            with history.frozen(deal.at("submit_for_review")):
                start = deal.at("sign").date()
                contract = services.contract_update(
                    contract=contract,
                    user=support,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=365),
                    terms="付款条件见回款计划 / Payment as per the payment plan.",
                )
                services.contract_set_payment_plan(
                    contract=contract, user=support, milestones=HISTORY_PLAN
                )
        contract = Contract.objects.get(pk=contract.pk)
        contract = history.step(
            contract, "submit_for_review", support, deal.at("submit_for_review")
        )
        contract = history.step(contract, "approve", users["finance"], deal.at("approve"))
        if contract.status == ContractStatus.IN_REVIEW:  # over the credit limit or threshold
            contract = history.step(
                contract, "manager_sign_off", users["manager"], deal.at("approve")
            )
        history.step(
            contract,
            "sign",
            users[deal.owner],
            deal.at("sign"),
            {"signed_on": deal.at("sign").date(), "signed_by_name": "采购经理 / Purchasing"},
        )


def _won_contract(name, account, users, products) -> Contract:
    seller, support = users["sales"], users["sales_support"]
    opp = opp_services.opportunity_create(
        user=seller,
        account=account,
        name=name,
        amount=Decimal("100000"),
        expected_close_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    demo_mark(opportunity_key(name), opp)
    opp_services.opportunity_assign_team(
        opportunity=opp,
        user=seller,
        solution_owner=support,
        fulfilment_owner=users["operations"],
    )
    opp = run(obj=opp, name="analyze", user=seller)
    quote = opp_services.quote_create(opportunity=opp, user=support)
    for product in products:
        opp_services.quote_line_add(
            quote=quote, user=support, product=product, quantity=Decimal("5")
        )
    quote = run(obj=type(quote).objects.get(pk=quote.pk), name="submit", user=support)
    quote = run(obj=quote, name="send", user=seller)
    run(obj=quote, name="accept", user=seller)
    for step in ("propose", "negotiate", "win"):
        opp = run(obj=Opportunity.objects.get(pk=opp.pk), name=step, user=seller)
    return Contract.objects.get(opportunity=opp)


def _advance(contract: Contract, target: str, users):
    support = users["sales_support"]
    today = timezone.localdate()
    contract = services.contract_update(
        contract=contract,
        user=support,
        start_date=today,
        end_date=today + datetime.timedelta(days=365),
        terms="付款条件见回款计划 / Payment as per the payment plan.",
    )
    services.contract_set_payment_plan(contract=contract, user=support, milestones=PLAN)
    if target == "draft":
        return
    contract = run(obj=Contract.objects.get(pk=contract.pk), name="submit_for_review", user=support)
    if target == "in_review":
        return
    contract = run(obj=contract, name="approve", user=users["finance"])
    if contract.status == "in_review":  # over the credit limit or the value threshold
        contract = run(obj=contract, name="manager_sign_off", user=users["manager"])
    run(
        obj=contract,
        name="sign",
        user=users["sales"],
        data={"signed_on": today, "signed_by_name": "王总 / Mr Wang"},
    )
