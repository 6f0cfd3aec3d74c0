"""The review half of the demo: submitted applications of further demo enterprises in 邗江 and 广陵, in each
review state, so every staff account has work on its first login (loaded after applications.demo).

Per unit: one awaiting both bureaus, one that the industry bureau approved (finance owes its opinion), one
returned to the enterprise with a reason, one recommended awaiting a batch; in 广陵 also one refused and one
forwarded to the city in a sealed batch (reviews.batches, when available). Idempotent: an enterprise that
already has its application is left alone.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organisation, User
from applications import services as application_services
from applications.demo import DEMONSTRATION_DATA, attach_all_materials
from applications.models import Application
from enterprises.demo import ALL_DECLARED
from enterprises.services import profile_save
from enterprises.uscc import with_check_character
from reviews import services

# username -> (enterprise, region, first 17 of the credit code, the state it is left in)
DEMO_REVIEW_ENTERPRISES = {
    "demo_hj_jinggong": ("扬州邗江精工模具有限公司", "321003", "91321003MA1RW0011", "submitted"),
    "demo_hj_runze": ("扬州邗江润泽食品有限公司", "321003", "91321003MA1RW0022", "county_review"),
    "demo_hj_hengxin": ("扬州邗江恒信包装有限公司", "321003", "91321003MA1RW0033", "returned"),
    "demo_hj_tiancheng": ("扬州邗江天成电气有限公司", "321003", "91321003MA1RW0044", "recommended"),
    "demo_gl_zhilian": ("扬州广陵智联物流装备有限公司", "321002", "91321002MA1RW0055", "submitted"),
    "demo_gl_lvyuan": ("扬州广陵绿源环保科技有限公司", "321002", "91321002MA1RW0066", "county_review"),
    "demo_gl_xinhang": ("扬州广陵新航船舶配件有限公司", "321002", "91321002MA1RW0077", "returned"),
    "demo_gl_huarui": ("扬州广陵华瑞电子有限公司", "321002", "91321002MA1RW0088", "recommended"),
    "demo_gl_jinding": ("扬州广陵金鼎纺织有限公司", "321002", "91321002MA1RW0099", "forwarded"),
    "demo_gl_chengda": ("扬州广陵诚达贸易有限公司", "321002", "91321002MA1RW0101", "not_recommended"),
}
RETURN_REASON = "投入清单中第 2 项（车间工业网络与数据采集终端）的发票复印件不清晰，请重新上传并核对金额。"
REFUSAL_REASON = "企业主营为商品批发，信息化投入主要用于门店收银系统，不属于本次支持的应用领域。"
CHECKLISTS = {
    "industry": ["eligibility", "areas", "software", "materials"],
    "finance": ["investment_list", "invoices", "audit_report", "taxes"],
}


def _profile(name, region, number):
    return {
        "name": name,
        "legal_representative": "张" + name[4:6],
        "contact_person": "刘" + name[6:8],
        "mobile": f"1390527{number:04d}",
        "email": f"demo{number}@example.com",
        "registered_region": region,
        "tax_region": region,
        "established_on": dt.date(2010 + number % 7, 3, 1 + number % 27),
        "independent_legal_person": True,
        "industry": "industry",
        "employees": 40 + 7 * number,
        "revenue_yuan": Decimal(12_000_000 + 1_000_000 * number),
        "assets_yuan": Decimal(9_000_000 + 500_000 * number),
    }


def _data(number):
    """The demo 示范 form with this enterprise's own invoice numbers (shared ones would be flagged)."""
    data = copy.deepcopy(DEMONSTRATION_DATA)
    for row in data["investments"]:
        row["invoice_no"] = f"{row['invoice_no']}-{number:02d}"
    return data


def _enterprise(username, name, region, first17, number):
    organisation, _ = Organisation.objects.get_or_create(
        name=name, kind=Organisation.Kind.ENTERPRISE, defaults={"region_id": region}
    )
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": f"{name}经办人", "role": User.Role.ENTERPRISE, "organisation": organisation},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if not hasattr(organisation, "profile"):
        profile_save(
            organisation=organisation,
            data=_profile(name, region, number),
            declarations=ALL_DECLARED,
            actor=user,
            uscc=with_check_character(first17),
        )
    return user


def _approve(application, reviewer, bureau):
    services.opinion_give(application=application, actor=reviewer, decision="approve", checklist=CHECKLISTS[bureau])


def _bring_to(application, state, reviewers):
    industry, finance = reviewers
    if state == "county_review":
        _approve(application, industry, "industry")
    elif state == "returned":
        _approve(application, industry, "industry")
        services.opinion_give(application=application, actor=finance, decision="return", comment=RETURN_REASON)
    elif state == "not_recommended":
        services.opinion_give(application=application, actor=industry, decision="not_recommend", comment=REFUSAL_REASON)
    elif state in {"recommended", "forwarded"}:
        _approve(application, industry, "industry")
        _approve(application, finance, "finance")


def load():
    from programmes.models import Call

    call = Call.objects.filter(code="yz2018-demo").first()
    if call is None:
        return {}
    category = call.categories.get(code="demonstration")
    made, to_forward = {}, []
    with application_services.pdfs_rendered_on_demand():
        for number, (username, (name, region, first17, state)) in enumerate(DEMO_REVIEW_ENTERPRISES.items(), 1):
            user = _enterprise(username, name, region, first17, number)
            if Application.objects.filter(call=call, enterprise=user.organisation).exists():
                continue
            application = application_services.application_create(call=call, category=category, actor=user)
            application, _errors = application_services.application_save_draft(
                application=application, data=_data(number), version=application.version, actor=user
            )
            attach_all_materials(application, user)
            application = application_services.application_submit(application=application, actor=user, declaration=True)
            reviewers = _reviewers(region)
            _bring_to(application, state, reviewers)
            if state == "forwarded":
                to_forward.append((application, reviewers))
            made[username] = application
    _forward(to_forward)
    return made


def _reviewers(region):
    roles = (User.Role.COUNTY_INDUSTRY, User.Role.COUNTY_FINANCE)
    return tuple(
        User.objects.filter(role=role, organisation__region_id=region, username__endswith=("_industry", "_finance")[i])
        .order_by("id")
        .first()
        for i, role in enumerate(roles)
    )


def _forward(pending):
    """One sealed batch per unit of the applications to forward, forwarded to the city."""
    try:
        from reviews import batches
    except ImportError:  # the batch module is not there yet: they stay recommended
        return
    by_region = {}
    for application, reviewers in pending:
        by_region.setdefault(application.region_id, (reviewers, []))[1].append(application)
    for (industry, finance), applications in by_region.values():
        batches.demo_forward(applications=applications, industry=industry, finance=finance)
