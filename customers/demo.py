from django.contrib.auth import get_user_model

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
    out.write(f"Accounts: {Account.objects.count()}, contacts: {Contact.objects.count()}\n")
