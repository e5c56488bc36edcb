"""Demo leads in every state, moved there through the real services so each has history."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.demo import demo_account
from ltc import history
from ltc.demo_records import demo_mark, demo_object
from ltc.transitions import run

from . import services
from .models import Lead, LeadSource, LeadStatus

LEADS = [
    # name, company, email, phone, source, owner, path of transitions (as user)
    ("刘洋", "苏州恒达电子", "liu.yang@hengda.example.cn", "13600000011", LeadSource.WEB, None, []),
    (
        "Zhou Min",
        "Ningbo Seaport Trading",
        "zhou.min@seaport.example.com",
        "13600000012",
        LeadSource.EVENT,
        None,
        [],
    ),
    (
        "孙丽",
        "北京智联科技",
        "sun.li@zhilian.example.cn",
        "13600000013",
        LeadSource.REFERRAL,
        "sales",
        [],
    ),
    (
        "Ma Tao",
        "Wuxi Precision Parts",
        "ma.tao@wuxi-pp.example.com",
        "13600000014",
        LeadSource.CAMPAIGN,
        "sales",
        [("start_work", "sales")],
    ),
    (
        "何静",
        "广州美嘉零售",
        "he.jing@meijia.example.cn",
        "13600000015",
        LeadSource.PARTNER,
        "sales",
        [("start_work", "sales"), ("qualify", "sales")],
    ),
    (
        "Guo Feng",
        "Chengdu Greenfield Foods",
        "guo.feng@greenfield.example.com",
        "13600000016",
        LeadSource.WEB,
        "sales2",
        [("nurture", "marketing")],
    ),
    (
        "吴强",
        "天津港联",
        "wu.qiang@ganglian.example.cn",
        "13600000017",
        LeadSource.COLD_CALL,
        "sales2",
        [("disqualify", "sales2")],
    ),
    (
        "Xu Ning",
        "上海明辉制造有限公司",
        "xu.ning@minghui.example.cn",
        "13600000018",
        LeadSource.REFERRAL,
        "sales",
        [("start_work", "sales"), ("qualify", "sales"), ("convert", "sales")],
    ),
]


def seed(out):
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["marketing", "sales", "sales2", "manager"])
    }
    for name, company, email, phone, source, owner, path in LEADS:
        if demo_object(f"lead:{email}", Lead) is not None:
            continue
        lead = services.lead_create(
            user=users["marketing"],
            name=name,
            company=company,
            email=email,
            phone=phone,
            source=source,
            need="数字化升级 / digital upgrade of order handling",
            budget=Decimal("180000.00"),
            expected_close_date=timezone.localdate() + datetime.timedelta(days=45),
            decision_maker="总经理 (General manager)",
            next_follow_up_at=timezone.now() + datetime.timedelta(days=2),
        )
        demo_mark(f"lead:{email}", lead)
        if owner:
            services.lead_assign(lead=lead, owner=users[owner], user=users["marketing"])
        for name_, actor in path:
            data = {"reason": "预算冻结 / budget frozen"} if name_ == "disqualify" else {}
            if name_ == "convert":  # link the demo account, never a user's namesake
                data = {"account": demo_account(company, users[actor])}
            lead = run(obj=Lead.objects.get(pk=lead.pk), name=name_, user=users[actor], data=data)
    seed_history(users)
    out.write(f"Leads: {Lead.objects.count()}\n")


def seed_history(users):
    """A year of leads (ltc/history.py), each captured, worked and converted or
    disqualified at its planned moment; the opportunities stage takes the converted ones on."""
    if set(users) < {"marketing", "sales", "sales2"}:
        return
    sources = list(LeadSource.values)
    for deal in history.deals():
        if not history.due(deal.start):
            continue
        lead = demo_object(history.lead_key(deal), Lead)
        if lead is None:
            with history.frozen(deal.start):
                lead = services.lead_create(
                    user=users["marketing"],
                    name=f"联系人 {deal.index:03d} / Contact {deal.index:03d}",
                    company=deal.company,
                    phone=f"1370000{deal.index:04d}",
                    source=sources[deal.index % len(sources)],
                    need="订单与仓储数字化 / digital order handling and warehousing",
                    budget=Decimal(deal.quantity * 12000),
                    expected_close_date=deal.at("win").date(),
                    decision_maker="采购经理 (Purchasing manager)",
                )
                services.lead_assign(lead=lead, owner=users[deal.owner], user=users["marketing"])
            demo_mark(history.lead_key(deal), lead)
        owner = users[deal.owner]
        lead = history.step(lead, "start_work", owner, deal.at("start_work"))
        if not deal.converts:
            history.step(
                lead,
                "disqualify",
                owner,
                deal.at("disqualify"),
                {"reason": "无预算 / no budget this year"},
            )
            continue
        lead = history.step(lead, "qualify", owner, deal.at("qualify"))
        if history.due(deal.at("convert")) and lead.status == LeadStatus.QUALIFIED:
            # the demo account of the deal's company, never a user's namesake
            with history.frozen(deal.at("convert")):
                account = demo_account(deal.company, owner)
            history.step(lead, "convert", owner, deal.at("convert"), {"account": account})
