"""The expert review's demo: the pool. The demo's expert1…expert5 get their pool records and seven more experts
join them (expert6…expert12), so a panel of five can be drawn with recusal at work: expert3 works for 扬州邗江
天成电气有限公司 (a demo applicant, by credit code) and expert7 for 扬州广陵华瑞电子有限公司 (by name only).
Loaded after accounts.demo and reviews.demo; idempotent."""

from __future__ import annotations

from accounts.demo import DEMO_PASSWORD, demo_device
from accounts.models import Organisation, User
from enterprises.uscc import with_check_character
from evaluation.models import Expert

# username -> (name, field, employer, employer's credit code (first 17) or "", region, title)
DEMO_EXPERTS = {
    "expert1": ("评审专家1", "industrial_internet", "扬州大学信息工程学院", "", "321002", "教授"),
    "expert2": ("评审专家2", "information_technology", "江苏省扬州市信息中心", "", "321000", "高级工程师"),
    "expert3": ("评审专家3", "electronics", "扬州邗江天成电气有限公司", "91321003MA1RW0044", "321003", "高级工程师"),
    "expert4": ("评审专家4", "finance_audit", "扬州华信会计师事务所", "", "321002", "注册会计师"),
    "expert5": ("评审专家5", "e_commerce", "扬州市职业大学", "", "321003", "副教授"),
    "expert6": ("评审专家6", "intellectual_property", "扬州市知识产权服务中心", "", "321002", "专利代理师"),
    "expert7": ("评审专家7", "electronics", "扬州广陵华瑞电子有限公司", "", "321002", "工程师"),
    "expert8": ("评审专家8", "management", "扬州工业职业技术学院", "", "321012", "教授"),
    "expert9": ("评审专家9", "industrial_internet", "江苏扬力集团有限公司", "", "321084", "正高级工程师"),
    "expert10": ("评审专家10", "information_technology", "扬州软件园管理办公室", "", "321003", "高级工程师"),
    "expert11": ("评审专家11", "finance_audit", "扬州中正税务师事务所", "", "321000", "税务师"),
    "expert12": ("评审专家12", "e_commerce", "扬州电子商务协会", "", "321002", "经济师"),
}


def load():
    pool = Organisation.objects.get(kind=Organisation.Kind.EXPERT_POOL)
    experts = {}
    for username, (name, field, employer, code17, region, title) in DEMO_EXPERTS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": name, "role": User.Role.EXPERT, "organisation": pool}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        demo_device(user)  # the demo's second factor, as every demo staff account's
        experts[username], _ = Expert.objects.get_or_create(
            user=user,
            defaults={
                "field": field,
                "employer_name": employer,
                "employer_credit_code": with_check_character(code17) if code17 else "",
                "region_id": region,
                "title": title,
                "contact": f"0514-8{user.pk:07d}"[:13],
            },
        )
    return experts
