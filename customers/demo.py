from django.contrib.auth import get_user_model

from activities.models import Activity
from activities.services import activity_create
from ltc.demo_records import demo_get_or_create

from .models import Account, Contact

ACCOUNTS = [
    ("上海明辉制造有限公司", "manufacturing", "021-5888-1200", "sales", 500000),
    ("Hangzhou Cloudpeak Software", "software", "0571-8899-0011", "sales", 300000),
    ("深圳速达物流", "logistics", "0755-2233-4455", "sales2", 200000),
]
CONTACTS = [
    (0, "王建国", "采购总监", "wang.jg@minghui.example.cn", "13800000001", True),
    (0, "李娜", "财务经理", "li.na@minghui.example.cn", "13800000002", False),
    (1, "Chen Yu", "CTO", "chen.yu@cloudpeak.example.com", "13900000003", True),
    (2, "赵磊", "运营经理", "zhao.lei@suda.example.cn", "13700000004", True),
]

ACTIVITIES = [
    (
        "minghui-call",
        "call",
        "与王建国电话沟通 MES 需求",
        "确认二期产线 12 台设备接入，预算待财务确认。",
    ),
    ("minghui-visit", "meeting", "上门拜访：工厂产线参观", "李娜提出按 30/60/10 分期付款。"),
]


def account_key(name: str) -> str:
    """The demo key of the demo account called `name` (shared by every stage's demo)."""
    return f"account:{name}"


def demo_account(name: str, owner) -> Account:
    """The demo account called `name`, created for `owner` if the demo has none yet."""
    account, _ = demo_get_or_create(
        account_key(name), Account, lambda: Account.objects.create(name=name, owner=owner)
    )
    return account


def seed(out):
    User = get_user_model()
    accounts = []
    for name, industry, phone, owner, limit in ACCOUNTS:
        account, _ = demo_get_or_create(
            account_key(name),
            Account,
            lambda name=name, industry=industry, phone=phone, limit=limit, owner=owner: (
                Account.objects.create(
                    name=name,
                    industry=industry,
                    phone=phone,
                    credit_limit=limit,
                    owner=User.objects.get(username=owner),
                )
            ),
        )
        accounts.append(account)
    for index, name, title, email, phone, primary in CONTACTS:
        demo_get_or_create(
            f"contact:{email}",
            Contact,
            lambda index=index, name=name, title=title, email=email, phone=phone, primary=primary: (
                Contact.objects.create(
                    account=accounts[index],
                    email=email,
                    name=name,
                    title=title,
                    phone=phone,
                    is_primary=primary,
                    is_billing=title.startswith("财务"),
                )
            ),
        )
    # The first hour's customer has been talked to: its page shows a last activity.
    for key, kind, subject, notes in ACTIVITIES:
        demo_get_or_create(
            f"activity:{key}",
            Activity,
            lambda kind=kind, subject=subject, notes=notes: activity_create(
                record=accounts[0],
                owner=accounts[0].owner,
                kind=kind,
                subject=subject,
                notes=notes,
                done=True,
            ),
        )
    out.write(f"Accounts: {Account.objects.count()}, contacts: {Contact.objects.count()}\n")
