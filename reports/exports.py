"""Every staff list as a spreadsheet: `GET /api/v1/exports/{list}.xlsx` (reports/api.py) and the pages' 导出 Excel.

Each export is the list's own selector with the list's own filters (the queue's is reviews.queue with the same
query string as `GET /api/v1/review/queue`, so an export never shows a row the list would hide), read with
`.iterator()` and written row by row (reports/xlsx.py), then audited as "export.<list>" with the filters
and the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications import listing, workflow
from applications import rules as app_rules
from applications import selectors as application_selectors
from applications.models import Application
from audit.services import audit_record
from core.errors import DomainError, PermissionDeniedError
from programmes.models import Call
from programmes.vocabulary import BUREAUS
from reports.xlsx import DATE, DATETIME, DECIMAL, INT, MONEY, Column, write_workbook
from reviews import queue
from reviews.batches import batches_visible_to

CHUNK = 2000


@dataclass(frozen=True)
class Export:
    name: str
    title: str  # the sheet's and the file's name (msgid)
    allowed: Callable[[User], bool]
    denied: str  # why not (msgid)
    columns: list[Column]
    rows: Callable[[User, dict], tuple[Iterator, dict]]  # (rows, the filters as applied)


def _staff(user) -> bool:
    return app_rules.COUNTY.test(user) or app_rules.CITY.test(user) or app_rules.ADMIN.test(user)


def _city(user) -> bool:
    return app_rules.CITY.test(user)


def _reviewer(user) -> bool:
    return app_rules.COUNTY.test(user) or app_rules.CITY.test(user)


# ------------------------------------------------------------------------------------------ applications, queue

APPLICATION_COLUMNS = [
    Column(gettext_noop("受理编号"), width=26),
    Column(gettext_noop("企业名称"), width=32),
    Column(gettext_noop("统一社会信用代码"), width=22),
    Column(gettext_noop("所属县区"), width=12),
    Column(gettext_noop("申报类别"), width=16),
    Column(gettext_noop("申报批次"), width=24),
    Column(gettext_noop("状态"), width=16),
    Column(gettext_noop("提交时间"), DATETIME, width=18),
    Column(gettext_noop("投资总额（元）"), MONEY, width=18),
    Column(gettext_noop("研发投入（元）"), MONEY, width=18),
    Column(gettext_noop("自动提示数"), INT, width=10),
]
QUEUE_COLUMNS = [*APPLICATION_COLUMNS, Column(gettext_noop("本轮尚未出具意见的部门"), width=20)]


# Plain tuples, not model instances: 10,000 rows of five joined models cost more to build than to write.
APPLICATION_FIELDS = (
    "receipt_no",
    "enterprise__name",
    "enterprise__profile__uscc",
    "region__name",
    "category__name",
    "call__title",
    "status",
    "submitted_at",
    "report_figures__investment_yuan",
    "report_figures__rd_investment_yuan",
    "flag_count",
)
STATUS_AT = APPLICATION_FIELDS.index("status")


def _values(qs, extra=()):
    labels = {value: str(label) for value, label in Application.Status.choices}
    for row in qs.values_list(*APPLICATION_FIELDS, *extra).iterator(chunk_size=CHUNK):
        values = list(row[: len(APPLICATION_FIELDS)])
        values[STATUS_AT] = labels.get(values[STATUS_AT], values[STATUS_AT])
        yield values, row


def application_rows(user, params):
    query = listing.parse_query(params, strict=True)
    qs = listing.filter_applications(application_selectors.applications_visible_to(user), query)
    qs = qs.annotate(flag_count=queue._flag_count())
    return (values for values, _row in _values(qs)), query.params(page_size="")


def queue_rows(user, params):
    query = queue.parse_queue_query(params, strict=True)
    qs = listing.filter_applications(queue.queue_queryset(user), query)
    owes = query.extra.get(queue.OWES_PARAM)
    if owes:
        qs = qs.filter(queue.owes_q(owes))
    given = tuple(f"given_{code}" for code in BUREAUS.codes)
    bureaus = [(code, str(BUREAUS.label(code))) for code in BUREAUS.codes]
    awaiting = {str(s) for s in workflow.COUNTY_QUEUE}
    status_at = len(APPLICATION_FIELDS)

    def rows():
        # The same rule as reviews.queue.queue_row: awaiting the county and no opinion of the bureau this round.
        for values, row in _values(qs, ("status", *given)):
            flags = dict(zip(given, row[status_at + 1 :], strict=True))
            waiting = row[status_at] in awaiting
            owes = [label for code, label in bureaus if waiting and not flags[f"given_{code}"]]
            yield [*values, "、".join(owes)]

    return rows(), query.params(page_size="")


# ------------------------------------------------------------------------------------------------ batches

BATCH_COLUMNS = [
    Column(gettext_noop("文号"), width=24),
    Column(gettext_noop("县区"), width=12),
    Column(gettext_noop("申报批次"), width=24),
    Column(gettext_noop("状态"), width=10),
    Column(gettext_noop("申报书数"), INT, width=10),
    Column(gettext_noop("创建人"), width=14),
    Column(gettext_noop("创建时间"), DATETIME, width=18),
    Column(gettext_noop("上报时间"), DATETIME, width=18),
]


def batch_rows(user, params):
    from django.db.models import Count

    qs = batches_visible_to(user).annotate(item_count=Count("items")).order_by("-created_at", "-id")
    rows = (
        [
            b.number,
            b.region.name,
            b.call.title,
            b.get_state_display(),
            b.item_count,
            b.created_by.get_username(),
            b.created_at,
            b.forwarded_at,
        ]
        for b in qs.iterator(chunk_size=CHUNK)
    )
    return rows, {}


# ------------------------------------------------------------------------------------------------ evaluation


def _expert_columns():
    from evaluation.pool_xlsx import COLUMNS

    return [Column(header, width=18) for _key, header in COLUMNS]


def expert_rows(user, params):
    from evaluation.pool_xlsx import COLUMNS
    from evaluation.services import experts_export_rows

    return ([row.get(key, "") for key, _h in COLUMNS] for row in experts_export_rows()), {}


RANKING_COLUMNS = [
    Column(gettext_noop("名次"), INT, width=8),
    Column(gettext_noop("受理编号"), width=26),
    Column(gettext_noop("企业名称"), width=32),
    Column(gettext_noop("去掉最高最低分后的平均分"), DECIMAL, width=14),
    Column(gettext_noop("平均分"), DECIMAL, width=10),
    Column(gettext_noop("极差"), DECIMAL, width=10),
    Column(gettext_noop("离群评分数"), INT, width=10),
    Column(gettext_noop("已提交评分"), INT, width=10),
    Column(gettext_noop("专家人数"), INT, width=10),
]


def _call_filter(params, *, with_category=False, required=False) -> tuple[dict, dict]:
    """`?call=<id>` (and `&category=<code>`): the ranking's (required) and the publicity lists' (optional) filter.
    (ORM filter on the rows' call and category, the filters as applied). 422 without a call when it is required or
    a category is given, on a call that is not a number, or a category the call does not have; 404 on an unknown
    call."""
    call_id = (params.get("call") or "").strip()
    code = (params.get("category") or "").strip() if with_category else ""
    if not call_id:
        if code or required:
            raise DomainError(gettext("请指定申报批次（call）。"), field="call")
        return {}, {}
    if not call_id.isdigit():
        raise DomainError(gettext("申报批次（call）应为数字编号。"), field="call")
    call = get_object_or_404(Call, pk=int(call_id))
    if not code and not (required and with_category):
        return {"call": call}, {"call": call.pk}
    category = call.categories.filter(code=code).first()
    if category is None:
        raise DomainError(gettext("本批次没有该申报类别。"), field="category")
    return {"call": call, "category": category}, {"call": call.pk, "category": code}


def ranking_rows(user, params):
    from evaluation.selectors import ranking

    where, applied = _call_filter(params, with_category=True, required=True)
    result = ranking(where["call"], where["category"])

    def rows():
        for row in result["rows"]:
            agg = row["aggregate"]
            yield [
                row["position"],
                row["application"]["receipt_no"],
                row["application"]["enterprise"],
                agg.trimmed_mean,
                agg.mean,
                agg.spread,
                len(agg.outliers),
                row["submitted"],
                row["panel_size"],
            ]

    return rows(), applied


# ------------------------------------------------------------------------------------------------ publicity

PUBLICITY_COLUMNS = [
    Column(gettext_noop("公示编号"), INT, width=10),
    Column(gettext_noop("申报类别"), width=16),
    Column(gettext_noop("公示开始日期"), DATE, width=12),
    Column(gettext_noop("公示截止日期"), DATE, width=12),
    Column(gettext_noop("序号"), INT, width=8),
    Column(gettext_noop("排名"), INT, width=8),
    Column(gettext_noop("企业名称"), width=32),
    Column(gettext_noop("受理编号"), width=26),
    Column(gettext_noop("撤下时间"), DATETIME, width=18),
    Column(gettext_noop("撤下原因"), width=30),
]


def publicity_rows(user, params):
    from publicity.models import PublicityEntry

    where, applied = _call_filter(params)
    qs = PublicityEntry.objects.filter(**{f"publicity__{k}": v for k, v in where.items()}).order_by(
        "publicity_id", "position"
    )
    qs = qs.values_list(
        "publicity_id", "category_name", "publicity__starts_on", "publicity__ends_on", "position", "rank",
        "enterprise_name", "application__receipt_no", "removed_at", "removal_reason",
    )  # fmt: skip
    return (list(row) for row in qs.iterator(chunk_size=CHUNK)), applied


OBJECTION_COLUMNS = [
    Column(gettext_noop("公示编号"), INT, width=10),
    Column(gettext_noop("异议对象"), width=32),
    Column(gettext_noop("姓名"), width=12),
    Column(gettext_noop("手机号码"), width=14),
    Column(gettext_noop("异议事由"), width=40),
    Column(gettext_noop("状态"), width=10),
    Column(gettext_noop("答复"), width=40),
    Column(gettext_noop("提交时间"), DATETIME, width=18),
    Column(gettext_noop("处理时间"), DATETIME, width=18),
]


def objection_rows(user, params):
    from publicity.models import Objection

    labels = {value: str(label) for value, label in Objection.State.choices}
    where, applied = _call_filter(params)
    qs = Objection.objects.filter(**{f"publicity__{k}": v for k, v in where.items()}).order_by("created_at", "id")
    qs = qs.values_list(
        "publicity_id", "entry__enterprise_name", "name", "mobile", "grounds", "state", "reply", "created_at",
        "decided_at",
    )  # fmt: skip
    return ([*r[:5], labels.get(r[5], r[5]), *r[6:]] for r in qs.iterator(chunk_size=CHUNK)), applied


DESIGNATION_COLUMNS = [
    Column(gettext_noop("证书编号"), width=20),
    Column(gettext_noop("认定类型"), width=16),
    Column(gettext_noop("企业名称"), width=32),
    Column(gettext_noop("受理编号"), width=26),
    Column(gettext_noop("申报类别"), width=16),
    Column(gettext_noop("认定时间"), DATETIME, width=18),
]


def designation_rows(user, params):
    from programmes.vocabulary import DESIGNATION_KINDS
    from publicity.models import Designation

    labels = {code: str(label) for code, label in DESIGNATION_KINDS}
    where, applied = _call_filter(params, with_category=True)
    qs = (
        Designation.objects.filter(**where)
        .order_by("call_id", "category_id", "number")
        .values_list(
            "number", "kind", "application__enterprise__name", "application__receipt_no", "category__name", "issued_at"
        )
    )
    return ([r[0], labels.get(r[1], r[1]), *r[2:]] for r in qs.iterator(chunk_size=CHUNK)), applied


# ------------------------------------------------------------------------------------------------ registry

STAFF_ONLY = gettext_noop("只有县区审核人员、市级管理员和系统管理员可以导出。")
REVIEWERS_ONLY = gettext_noop("只有县区审核人员和市级管理员可以导出审核列表。")
CITY_ONLY = gettext_noop("只有市级管理员可以导出。")

EXPORTS: dict[str, Export] = {
    e.name: e
    for e in (
        Export("queue", gettext_noop("审核列表"), _reviewer, REVIEWERS_ONLY, QUEUE_COLUMNS, queue_rows),
        Export("applications", gettext_noop("申报书列表"), _staff, STAFF_ONLY, APPLICATION_COLUMNS, application_rows),
        Export("batches", gettext_noop("上报批次"), _reviewer, REVIEWERS_ONLY, BATCH_COLUMNS, batch_rows),
        Export("experts", gettext_noop("专家库"), _city, CITY_ONLY, [], expert_rows),
        Export("ranking", gettext_noop("专家评审排名"), _city, CITY_ONLY, RANKING_COLUMNS, ranking_rows),
        Export("publicity", gettext_noop("公示名单"), _city, CITY_ONLY, PUBLICITY_COLUMNS, publicity_rows),
        Export("objections", gettext_noop("公示异议"), _city, CITY_ONLY, OBJECTION_COLUMNS, objection_rows),
        Export("designations", gettext_noop("认定名单"), _city, CITY_ONLY, DESIGNATION_COLUMNS, designation_rows),
    )
}
EXPORT_TITLES = {name: _(e.title) for name, e in EXPORTS.items()}


def columns_of(export: Export) -> list[Column]:
    return export.columns or _expert_columns()


def run_export(user, name: str, params) -> tuple[object, int, str]:
    """(temporary xlsx file, rows, file name) of the list `name` as `user` may see it; audited."""
    export = EXPORTS.get(name)
    if export is None:
        from django.http import Http404

        raise Http404
    if not export.allowed(user):
        raise PermissionDeniedError(gettext(export.denied))
    rows, filters = export.rows(user, params)
    title = gettext(export.title)
    out, count = write_workbook(title, columns_of(export), rows)
    with transaction.atomic():
        audit_record(
            action=f"export.{name}",
            actor=user,
            summary=gettext("导出%(title)s（%(n)s 行）") % {"title": title, "n": count},
            data={"filters": filters, "rows": count},
        )
    return out, count, f"{title}.xlsx"
