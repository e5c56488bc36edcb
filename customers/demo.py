from django.contrib.auth import get_user_model

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


def seed(out):
    User = get_user_model()
    accounts = []
    for name, industry, phone, owner, limit in ACCOUNTS:
        account, _ = Account.objects.get_or_create(
            name=name,
            defaults={
                "industry": industry,
                "phone": phone,
                "credit_limit": limit,
                "owner": User.objects.get(username=owner),
            },
        )
        accounts.append(account)
    for index, name, title, email, phone, primary in CONTACTS:
        Contact.objects.get_or_create(
            account=accounts[index],
            email=email,
            defaults={
                "name": name,
                "title": title,
                "phone": phone,
                "is_primary": primary,
                "is_billing": title.startswith("财务"),
            },
        )
    out.write(f"Accounts: {Account.objects.count()}, contacts: {Contact.objects.count()}\n")
