"""Demo company details, so the demo's documents carry a header (only when none is set)."""

from .models import CompanyProfile


def seed(out):
    profile, created = CompanyProfile.objects.get_or_create(
        pk=1,
        defaults={
            "legal_name": "杭州云栈软件有限公司",
            "english_name": "Hangzhou Yunzhan Software Co., Ltd.",
            "address": "浙江省杭州市西湖区文三路 90 号",
            "english_address": "90 Wensan Road, Xihu District, Hangzhou, Zhejiang",
            "tax_id": "91330106MA2GL1234M",
            "phone": "0571-8888 6666",
            "bank_name": "中国工商银行杭州文三路支行",
            "bank_account": "1202 0210 0900 1234 567",
            "quote_terms": (
                "付款：签约后预付 30%，验收后 30 天内付清余款。\n交付：签约后 4 周内完成部署。"
            ),
        },
    )
    if created:
        profile.full_clean()
        out.write("Demo company details created.")
