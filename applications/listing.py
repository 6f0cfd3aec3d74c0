"""What a person's list of applications shows: the heading for their role, what each row offers, whether
they are offered 填报 buttons. Decided here from the rules (applications/rules.py), so no template spells a
role name; the list page, the dashboards and the application page's breadcrumb read it from here.

- An enterprise user: 我的申报, its own applications (继续填写 while editable, 查看, PDF) and the start buttons.
- County reviewers, city officers and administrators: a list headed for their role, each row 查看 (and PDF
  while the submission stands); never 继续填写, never 填报.
- Anyone else (experts): a list that is empty.

Lists are filtered, searched, sorted and paginated here too (`ListQuery`, `filter_applications`, `paginate`),
for the staff list at /applications/, `GET /api/v1/applications` and the county queue (reviews/queue.py adds
what only the review knows: which bureau still owes an opinion). A page is three queries (count, keys, rows) whatever
the number of applications; the rows' actions are computed from the rules without queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications import rules as app_rules
from applications import selectors, workflow
from applications.models import Application, ApplicationFlag
from applications.rules import allowed
from core.errors import DomainError
from core.rules import Rule
from programmes.models import Category
from programmes.vocabulary import FLAG_KINDS


@dataclass(frozen=True)
class Audience:
    """How the list reads for the people a rule describes."""

    rule: Rule | None
    heading: Promise
    intro: Promise | str
    empty: Promise


AUDIENCES = (
    Audience(app_rules.ENTERPRISE, _("我的申报"), "", _("还没有申报书。")),
    Audience(
        app_rules.COUNTY,
        _("本县区已提交的申报书"),
        _("可查看本县区企业已提交的申报书，下载申请书 PDF。"),
        _("本县区还没有已提交的申报书。"),
    ),
    Audience(
        app_rules.CITY,
        _("全市已提交的申报书"),
        _("可查看全市企业已提交的申报书，下载申请书 PDF。"),
        _("全市还没有已提交的申报书。"),
    ),
    Audience(
        app_rules.ADMIN,
        _("全部申报书（系统管理员，只读）"),
        _("可查看全部申报书（含企业未提交的草稿），下载申请书 PDF；不能代企业新建、填写、提交或撤回。"),
        _("还没有申报书。"),
    ),
)
NOBODY = Audience(None, _("申报书列表"), "", _("您的账户没有可查看的申报书。"))


def audience_for(user: User) -> Audience:
    for audience in AUDIENCES:
        if audience.rule.test(user):
            return audience
    return NOBODY


@dataclass(frozen=True)
class Row:
    application: Application
    may_continue: bool  # 继续填写: the user may change it and its state allows it
    has_pdf: bool  # the submission stands (a withdrawn or returned one has no printable copy)


def row_for(user: User, application: Application) -> Row:
    editable = workflow.is_editable(application)
    return Row(
        application=application,
        may_continue=editable and allowed(user, "applications.change_application", application),
        has_pdf=bool(application.digest) and not editable,
    )


def application_list(user: User, params: Mapping | None = None) -> dict:
    """The context of the list (page, enterprise dashboard): heading, one page of rows, filters, start buttons."""
    audience = audience_for(user)
    may_start = allowed(user, "applications.add_application")
    query = parse_query(params or {})
    if user.is_authenticated:
        page = paginate(filter_applications(selectors.applications_visible_to(user), query), query, clamp=True)
    else:
        page = ListPage(count=0, page=1, page_size=query.page_size, items=[])
    return {
        "heading": audience.heading,
        "intro": audience.intro,
        "empty_text": audience.empty,
        "rows": [row_for(user, a) for a in page.items],
        "page": page,
        "query": query,
        "filters": filter_choices(user) if not may_start else None,
        "show_enterprise": not may_start,
        "may_start": may_start,
        "startable": selectors.startable_categories(user) if may_start else [],
    }


def staff_summary(user: User) -> dict:
    """The dashboard card of staff: the list's heading, what they may do and how many there are."""
    audience = audience_for(user)
    return {
        "heading": audience.heading,
        "intro": audience.intro,
        "count": selectors.applications_visible_to(user).count() if user.is_authenticated else 0,
    }


# ------------------------------------------------------------------------------------------- filter, sort, page

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SEARCH_MAX_LENGTH = 64
# Every order ends with the primary key, so a page never repeats or skips a row when values tie.
SORTS = {
    "submitted_at": (F("submitted_at").asc(nulls_first=True), F("id").asc()),
    "-submitted_at": (F("submitted_at").desc(nulls_last=True), F("id").desc()),
    "name": (F("enterprise__name").asc(), F("id").asc()),
    "receipt_no": (F("receipt_no").asc(nulls_last=True), F("id").asc()),
    "status": (F("status").asc(), F("id").asc()),
}
# Without a sort: the most recently changed first (what the unpaginated list always returned).
DEFAULT_ORDER = (F("updated_at").desc(), F("id").desc())
FLAG_ANY = "any"


@dataclass(frozen=True)
class ListQuery:
    """What a list asks for. Values are already checked (parse_query); empty means "no filter"."""

    statuses: tuple[str, ...] = ()
    region: str = ""
    category: str = ""
    flag: str = ""
    q: str = ""
    sort: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE
    extra: dict = field(default_factory=dict)  # filters a later stage adds (reviews: owes), kept in links

    def params(self, **changes) -> dict:
        """The query string's values (for links that keep the filters), without the empty ones."""
        values = {
            "status": ",".join(self.statuses),
            "region": self.region,
            "category": self.category,
            "flag": self.flag,
            "q": self.q,
            "sort": self.sort,
            "page_size": self.page_size if self.page_size != PAGE_SIZE else "",
            **self.extra,
            **changes,
        }
        return {k: v for k, v in values.items() if v not in ("", None)}

    def querystring(self, **changes) -> str:
        return urlencode(self.params(**changes))

    @property
    def filtered(self) -> bool:
        return bool(self.statuses or self.region or self.category or self.flag or self.q or self.extra)


def _invalid(strict, message, name):
    if strict:
        raise DomainError(message, field=name)


def _integer(raw) -> int:
    """An integer as the API's parameter parsing reads it: "150" and "150.0" (a whole number with a zero
    fraction, an integer to JSON Schema); 0 for anything else."""
    text = str(raw).strip()
    whole, dot, fraction = text.partition(".")
    if dot and fraction and set(fraction) == {"0"}:
        text = whole
    try:
        return int(text)
    except ValueError:
        return 0


def _positive(raw, name, *, strict, default, maximum=None):
    if raw in (None, ""):
        return default
    value = _integer(raw)
    if value < 1:
        _invalid(strict, gettext("%(name)s 必须是正整数。") % {"name": name}, name)
        return default
    return min(value, maximum) if maximum else value


def parse_query(params: Mapping, *, strict: bool = False) -> ListQuery:
    """A ListQuery from a query string. Pages ignore what they do not understand; the API (strict) answers 422."""
    statuses = tuple(s for s in (params.get("status") or "").split(",") if s.strip())
    statuses = tuple(dict.fromkeys(s.strip() for s in statuses))
    unknown = [s for s in statuses if s not in Application.Status.values]
    if unknown:
        _invalid(strict, gettext("未知的状态：%(s)s。") % {"s": "、".join(unknown)}, "status")
        statuses = tuple(s for s in statuses if s in Application.Status.values)
    sort = params.get("sort") or ""
    if sort and sort not in SORTS:
        _invalid(strict, gettext("排序只能是：%(s)s。") % {"s": "、".join(SORTS)}, "sort")
        sort = ""
    flag = (params.get("flag") or "").strip()
    if flag and flag != FLAG_ANY and flag not in _flag_kinds():
        _invalid(strict, gettext("未知的提示类型：%(s)s。") % {"s": flag}, "flag")
        flag = ""
    return ListQuery(
        statuses=statuses,
        region=(params.get("region") or "").strip()[:16],
        category=(params.get("category") or "").strip()[:32],
        flag=flag,
        q=(params.get("q") or "").strip()[:SEARCH_MAX_LENGTH],
        sort=sort,
        page=_positive(params.get("page"), "page", strict=strict, default=1),
        page_size=_positive(
            params.get("page_size"), "page_size", strict=strict, default=PAGE_SIZE, maximum=MAX_PAGE_SIZE
        ),
    )


def _flag_kinds() -> tuple[str, ...]:
    return FLAG_KINDS.codes


def flag_q(kind: str) -> Q:
    """Applications with a flag of `kind` ("any": with any flag). applications/flags.py's flag_filter_q when it
    offers one (the flags' own definition), else the same Exists on ApplicationFlag."""
    try:
        from applications.flags import flag_filter_q
    except ImportError:
        flags = ApplicationFlag.objects.filter(application=OuterRef("pk"))
        return Q(Exists(flags if kind == FLAG_ANY else flags.filter(kind=kind)))
    return flag_filter_q(None if kind == FLAG_ANY else kind)


def search_q(text: str) -> Q:
    """Enterprise name, credit code (the profile's) or receipt number, any part of it."""
    return (
        Q(enterprise__name__icontains=text)
        | Q(enterprise__profile__uscc__icontains=text)
        | Q(receipt_no__icontains=text)
    )


def filter_applications(qs: QuerySet[Application], query: ListQuery) -> QuerySet[Application]:
    """Narrow an already visible queryset (the selector decided what the caller may see) and order it.
    A list never shows the form data, often kilobytes a row: it is not read."""
    qs = qs.defer("data")
    if query.statuses:
        qs = qs.filter(status__in=query.statuses)
    if query.region:
        qs = qs.filter(region_id=query.region)
    if query.category:
        qs = qs.filter(category__code=query.category)
    if query.flag:
        qs = qs.filter(flag_q(query.flag))
    if query.q:
        qs = qs.filter(search_q(query.q))
    return qs.order_by(*SORTS.get(query.sort, DEFAULT_ORDER))


@dataclass(frozen=True)
class ListPage:
    count: int
    page: int
    page_size: int
    items: list

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0


def paginate(qs: QuerySet, query: ListQuery, *, clamp: bool = False) -> ListPage:
    """Three queries whatever the size: the count, the page's keys, the page's rows.

    The keys are sorted on the narrow application rows alone; the joins (call, category, enterprise, region)
    and the annotations (reviews: owes, flag count) are then computed for the page's rows only — asked in one
    query, PostgreSQL would join every row and evaluate the annotations of every row up to the offset.
    Pages (clamp) show the last page for a page past the end; the API answers an empty page, so a client
    walking `next` never sees a row twice."""
    count = qs.count()
    page = query.page
    if clamp:
        page = min(page, max(1, -(-count // query.page_size)))
    start = (page - 1) * query.page_size
    keys = list(qs.values_list("pk", flat=True)[start : start + query.page_size]) if start < count else []
    rows = {row.pk: row for row in qs.order_by().filter(pk__in=keys)} if keys else {}
    items = [rows[pk] for pk in keys if pk in rows]
    return ListPage(count=count, page=page, page_size=query.page_size, items=items)


def page_links(page: ListPage, query: ListQuery) -> dict:
    """Query strings of the previous and next page, keeping every filter."""
    return {
        "previous": query.querystring(page=page.page - 1) if page.has_previous else None,
        "next": query.querystring(page=page.page + 1) if page.has_next else None,
    }


def filter_choices(user: User) -> dict:
    """What the filter form offers: statuses, categories, and the units for those who see more than one."""
    from accounts.selectors import county_units

    categories = dict(Category.objects.order_by("code").values_list("code", "name").distinct())
    may_choose_unit = not app_rules.COUNTY.test(user)
    return {
        "statuses": [(v, label) for v, label in Application.Status.choices if v != Application.Status.DRAFT]
        if not allowed(user, "applications.add_application")
        else Application.Status.choices,
        "categories": sorted(categories.items()),
        "regions": list(county_units().items()) if may_choose_unit else [],
        "flags": _flag_choices(),
        "sorts": SORT_LABELS,
    }


def _flag_choices():
    return [(FLAG_ANY, _("任一提示")), *((code, label) for code, label in FLAG_KINDS)]


SORT_LABELS = (
    ("-submitted_at", _("提交时间（新→旧）")),
    ("submitted_at", _("提交时间（旧→新）")),
    ("name", _("企业名称")),
    ("receipt_no", _("受理编号")),
    ("status", _("状态")),
)


def with_query(query: ListQuery, **changes) -> ListQuery:
    return replace(query, **changes)
