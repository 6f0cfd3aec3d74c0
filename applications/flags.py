"""Automatic flags on submitted applications (issue 9 item 4): hints for the county and city reviewers, never
decisions.

Computed from what was submitted — the latest snapshot of every application of a call that has a receipt
number — never from a live draft:

- ``duplicate_invoice``: the same invoice number in two applications of the call (any enterprise);
- ``duplicate_file``: the same file (SHA-256 of a submitted material) from two different enterprises of the call;
- ``total_mismatch``: a total frozen at submission that differs from the sum of its line items recomputed from the
  submitted form (applications/derived.py), or a part declared larger than its own total (a year's online sales
  above that year's sales, the new product's sales above the enterprise's);
- ``outside_period``: line items dated outside the call's investment period;
- ``outside_yangzhou``: a credit code whose registration-authority digits are not Yangzhou's (3210xx);
- ``both_categories``: an enterprise that submitted in both categories of the call.

``recompute_flags(call)`` replaces a call's flags in one transaction (a few queries, grouping in memory);
``recompute_for_application(application)`` runs at each submission and resubmission (the workflow's
``transitioned`` signal) and recomputes only the groups the application is in, found through ``FlagKey``.
Both lock the call row (FOR NO KEY UPDATE) so that two submissions sharing an invoice see each other.

Each flag stores its reason in Chinese (``message``, without the other enterprise's name); pages and the API show
it in the reader's language from ``details`` through ``flags_for(user, application)``, with the other
application's enterprise and link only for those who may see that application.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from applications import derived
from applications.forms.legacy import snapshot_form
from applications.models import Application, ApplicationFlag, FlagKey, Snapshot
from applications.rules import ADMIN, can_view, city_of_application, county_of_application
from core.formatting import money
from enterprises.uscc import YANGZHOU_PREFIX, outside_yangzhou_hint, registration_authority_region
from programmes.models import Call
from programmes.vocabulary import FLAG_KINDS

# Beyond this many applications sharing one value, each gets one flag with the count instead of one per pair
# (a blank template everybody uploads would otherwise make n² rows).
GROUP_LIMIT = 20
PAIR_KINDS = {"duplicate_invoice": FlagKey.Kind.INVOICE, "duplicate_file": FlagKey.Kind.SHA256}
OWN_KINDS = ("total_mismatch", "outside_period", "outside_yangzhou")
# The tables whose line items count only inside the call's investment period (`period_column` in the definitions).
PERIOD_TABLES = {"investments": "date"}
# The totals frozen in the snapshot's `derived` block that are sums of the form's line items.
SUMMED_FIGURES = {
    "demonstration": (
        "investment_total_yuan",
        "investment_by_area_yuan",
        "investment_by_year_yuan",
        "online_sales_yuan",
        "total_sales_yuan",
    ),
    "new_product": ("rd_investment_total_yuan",),
}
FIGURE_MSGIDS = {  # marked for extraction, translated when shown
    "investment_total_yuan": gettext_noop("投入总额"),
    "investment_by_area_yuan": gettext_noop("按方向的投入合计"),
    "investment_by_year_yuan": gettext_noop("按年度的投入合计"),
    "online_sales_yuan": gettext_noop("线上交易额合计"),
    "total_sales_yuan": gettext_noop("销售总额合计"),
    "rd_investment_total_yuan": gettext_noop("研发投入总额"),
}
# Who sees flags: the reviewers who may see the application and administrators; never an enterprise.
sees_flags = county_of_application | city_of_application | ADMIN


# ------------------------------------------------------------------------------------------- reading a submission


@dataclass
class Submitted:
    """What the flags read of one application's latest snapshot."""

    id: int
    enterprise_id: int
    category_id: int
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (FlagKey kind, value) -> label shown
    own: list[tuple[str, dict]] = field(default_factory=list)  # (flag kind, details) from this application alone


def normalise_invoice(value) -> str:
    """Full-width to half-width, no blanks, upper case: "No. 3200 18" and "ＮＯ.320018" are one number."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def _mismatches(category_code, form, frozen, snapshot):
    period = (snapshot.get("call") or {}).get("investment_period")
    problems = []
    if period and category_code in SUMMED_FIGURES:
        start, end = (derived._date(day) for day in period)
        if start and end:
            again = derived.figures(category_code, form, period=(start, end))
            for key in SUMMED_FIGURES[category_code]:
                if key in frozen and frozen[key] != again.get(key):
                    problems.append({"figure": key, "declared": frozen[key], "sum": again.get(key)})
    if category_code == "demonstration":
        for row in form.get("sales") or []:
            part, total = derived._money(row.get("online_yuan")), derived._money(row.get("total_yuan"))
            if part is not None and total is not None and part > total:
                problems.append(
                    {"figure": "online_over_total", "year": row.get("year"), "part": str(part), "total": str(total)}
                )
    else:
        sales = form.get("sales") or {}
        part, total = derived._money(sales.get("product_year_yuan")), derived._money(sales.get("enterprise_year_yuan"))
        if part is not None and total is not None and part > total:
            problems.append({"figure": "product_over_enterprise", "part": str(part), "total": str(total)})
    return problems


def _outside_period(form, call):
    start, end = call.investment_period_start, call.investment_period_end
    rows = []
    for table, column in PERIOD_TABLES.items():
        for index, row in enumerate(form.get(table) or []):
            day = derived._date(row.get(column))
            if day is not None and not start <= day <= end:
                rows.append(
                    {"table": table, "row": index + 1, "date": day.isoformat(), "content": row.get("content") or ""}
                )
    return rows


def read_submission(application_id, enterprise_id, category_id, snapshot: dict, call: Call) -> Submitted:
    form = snapshot_form(snapshot)
    category_code = (snapshot.get("category") or {}).get("code", "")
    sub = Submitted(application_id, enterprise_id, category_id)
    for row in form.get("investments") or []:
        number = normalise_invoice(row.get("invoice_no"))
        if number:
            sub.keys.setdefault((FlagKey.Kind.INVOICE, number[:80]), str(row.get("invoice_no")).strip()[:150])
    for material in snapshot.get("materials") or []:
        if material.get("sha256"):
            sub.keys.setdefault((FlagKey.Kind.SHA256, material["sha256"]), (material.get("filename") or "")[:150])
    problems = _mismatches(category_code, form, snapshot.get("derived") or {}, snapshot)
    if problems:
        sub.own.append(("total_mismatch", {"problems": problems}))
    rows = _outside_period(form, call)
    if rows:
        period = [call.investment_period_start.isoformat(), call.investment_period_end.isoformat()]
        sub.own.append(("outside_period", {"rows": rows, "period": period}))
    uscc = (snapshot.get("enterprise") or {}).get("uscc") or ""
    region = registration_authority_region(uscc)
    if region is not None and not region.startswith(YANGZHOU_PREFIX):
        sub.own.append(("outside_yangzhou", {"uscc": uscc, "region": region}))
    return sub


def _latest_snapshots(applications):
    """(application id, enterprise id, category id, snapshot JSON) of each submitted application, one query."""
    rows = (
        Snapshot.objects.filter(application__in=applications, digest=F("application__digest"))
        .values_list("application_id", "application__enterprise_id", "application__category_id", "canonical_json")
        .order_by("application_id")
    )
    for application_id, enterprise_id, category_id, text in rows.iterator(chunk_size=500):
        yield application_id, enterprise_id, category_id, json.loads(text)


def _submitted_of(call):
    return Application.objects.filter(call=call, receipt_no__isnull=False)


# ------------------------------------------------------------------------------------------- building flags


def _flag(application_id, kind, details, now, other_id=None):
    flag = ApplicationFlag(
        application_id=application_id, kind=kind, details=details, other_application_id=other_id, computed_at=now
    )
    flag.message = stored_message(flag)  # in Chinese, without the other enterprise's name
    return flag


def _group_flags(flag_kind, value, members, now):
    """Flags for one shared value; members are (application id, enterprise id, label)."""
    pairs = []
    for app_id, enterprise_id, label in members:
        others = [m for m in members if m[0] != app_id and (flag_kind != "duplicate_file" or m[1] != enterprise_id)]
        if not others:
            continue
        if len(members) > GROUP_LIMIT:
            pairs.append(_flag(app_id, flag_kind, {"value": value, "label": label, "count": len(others)}, now))
            continue
        for other_id, _enterprise, other_label in others:
            details = {"value": value, "label": label, "other_label": other_label}
            pairs.append(_flag(app_id, flag_kind, details, now, other_id))
    return pairs


def _category_flags(members, now):
    """An enterprise's submitted applications of one call, (application id, category id): one flag per pair."""
    if len({category for _id, category in members}) < 2:
        return []
    return [
        _flag(app_id, "both_categories", {}, now, other_id)
        for app_id, category in members
        for other_id, other_category in members
        if other_category != category
    ]


def _own_flags(sub, now):
    return [_flag(sub.id, kind, details, now) for kind, details in sub.own]


def _lock(call_id):
    # FOR NO KEY UPDATE: serialises flag computations of one call without blocking inserts that reference it.
    list(Call.objects.select_for_update(no_key=True).filter(pk=call_id).order_by().values_list("pk"))


@transaction.atomic
def recompute_flags(call: Call) -> int:
    """Replace every flag (and FlagKey) of `call` from its submitted applications' latest snapshots."""
    _lock(call.pk)
    now = timezone.now()
    keys, flags = [], []
    groups = defaultdict(list)  # (FlagKey kind, value) -> members
    by_enterprise = defaultdict(list)
    for application_id, enterprise_id, category_id, snapshot in _latest_snapshots(_submitted_of(call)):
        sub = read_submission(application_id, enterprise_id, category_id, snapshot, call)
        flags += _own_flags(sub, now)
        by_enterprise[enterprise_id].append((application_id, category_id))
        for (kind, value), label in sub.keys.items():
            groups[(kind, value)].append((application_id, enterprise_id, label))
            keys.append((application_id, kind, value, label))
    kinds = {key_kind: flag_kind for flag_kind, key_kind in PAIR_KINDS.items()}
    for (kind, value), members in groups.items():
        if len(members) > 1:
            flags += _group_flags(kinds[kind], value, members, now)
    for members in by_enterprise.values():
        flags += _category_flags(members, now)
    _replace_keys(call, keys)
    ApplicationFlag.objects.filter(application__call=call).delete()
    ApplicationFlag.objects.bulk_create(flags, batch_size=2000)
    return len(flags)


def _replace_keys(call, keys):
    """Make the call's FlagKey rows `keys` ((application id, kind, value, label) tuples), writing only the
    difference: the incremental recompute keeps them current, so a bulk recompute usually writes none."""
    wanted = set(keys)
    have = {}
    for pk, *row in FlagKey.objects.filter(call=call).values_list("pk", "application_id", "kind", "value", "label"):
        have[tuple(row)] = pk
    stale = [pk for row, pk in have.items() if row not in wanted]
    for start in range(0, len(stale), 5000):
        FlagKey.objects.filter(pk__in=stale[start : start + 5000]).delete()
    missing = [(call.pk, *row) for row in wanted if row not in have]
    if missing:
        _insert_keys(missing)


def _insert_keys(rows):
    """Plain SQL: model instances would cost more than the insert itself at 100,000 rows. PostgreSQL takes them
    by COPY; SQLite, in process, is fast enough with executemany."""
    table = connection.ops.quote_name(FlagKey._meta.db_table)
    columns = "(call_id, application_id, kind, value, label)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if len(rows) > 1000:
                # Fresh statistics, or the planner keeps believing the table empty and the next submission's
                # lookup by value scans it instead of using the index (autovacuum would take a while).
                cursor.execute(f"ANALYZE {table}")
        else:
            sql = f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s, %s)"  # noqa: S608 - our table name
            cursor.executemany(sql, rows)


def recompute_for_application(application: Application, *, snapshot=None, first_submission=False) -> int:
    """At a submission: this application's own flags, the groups of the values it had or has, its enterprise's
    other category. Returns the number of flags written.

    `snapshot` is the one the submission just froze (else the latest is read back); `first_submission` skips
    looking for what the application had: keys and flags exist only for applications with a receipt number.
    No savepoint of its own inside the submission's transaction (two statements fewer): a failure here fails
    the submission anyway."""
    with transaction.atomic(savepoint=False):
        _lock(application.call_id)
        now = timezone.now()
        call = application.call  # a submission has it already (select_related)
        if snapshot is None:
            found = list(_latest_snapshots(Application.objects.filter(pk=application.pk)))
            if not found:
                return 0
            sub = read_submission(*found[0], call)
        else:
            ids = (application.pk, application.enterprise_id, application.category_id)
            sub = read_submission(*ids, snapshot, call)
        old = set()
        if not first_submission:
            old = set(FlagKey.objects.filter(application=application).values_list("kind", "value"))
            FlagKey.objects.filter(application=application).delete()
            ApplicationFlag.objects.filter(application_id=sub.id, kind__in=OWN_KINDS).delete()
        FlagKey.objects.bulk_create(
            FlagKey(call_id=call.pk, application_id=sub.id, kind=kind, value=value, label=label)
            for (kind, value), label in sub.keys.items()
        )
        written = _regroup(call, set(sub.keys), old, now)
        written += len(ApplicationFlag.objects.bulk_create(_own_flags(sub, now)))
        return written + _recategorise(call, sub.enterprise_id, now, first_submission=first_submission)


def _regroup(call, new, old, now):
    """Rewrite the pair flags of the values this application has (`new`) or had (`old`).

    Pair flags of a value exist only while two or more applications share it, so a value this application
    has just taken that nobody else has (every value, mostly) had none and gets none: no statement for it."""
    affected = new | old
    rows = FlagKey.objects.filter(_any_of(affected), call=call).values_list(
        "kind", "value", "application_id", "application__enterprise_id", "label"
    )
    groups = defaultdict(list)
    for kind, value, app_id, enterprise_id, label in rows:
        groups[(kind, value)].append((app_id, enterprise_id, label))
    touched = {key for key in affected if key in old or len(groups[key]) > 1}
    written = 0
    for flag_kind, key_kind in PAIR_KINDS.items():
        values = sorted(value for kind, value in touched if kind == key_kind)
        if not values:
            continue
        ApplicationFlag.objects.filter(application__call=call, kind=flag_kind, details__value__in=values).delete()
        flags = [flag for value in values for flag in _group_flags(flag_kind, value, groups[(key_kind, value)], now)]
        written += len(ApplicationFlag.objects.bulk_create(flags, batch_size=2000))
    return written


def _any_of(keys):
    """Q for FlagKey rows of any of the (kind, value) pairs (one query for both kinds)."""
    by_kind = defaultdict(list)
    for kind, value in keys:
        by_kind[kind].append(value)
    q = Q(pk__in=[])
    for kind, values in by_kind.items():
        q |= Q(kind=kind, value__in=sorted(values))
    return q


def _recategorise(call, enterprise_id, now, *, first_submission=False):
    members = list(
        _submitted_of(call).filter(enterprise_id=enterprise_id).values_list("pk", "category_id").order_by("pk")
    )
    if first_submission and len(members) < 2:
        return 0  # an enterprise's first submitted application of the call: it had no pair, it has none
    ApplicationFlag.objects.filter(application_id__in=[pk for pk, _c in members], kind="both_categories").delete()
    return len(ApplicationFlag.objects.bulk_create(_category_flags(members, now)))


def on_transition(sender, application, step, actor=None, comment="", snapshot=None, first_submission=False, **kwargs):
    """The workflow's `transitioned` signal: a submission or resubmission recomputes the flags it touches."""
    if step.action in ("submit", "resubmit"):
        recompute_for_application(application, snapshot=snapshot, first_submission=first_submission)


# ------------------------------------------------------------------------------------------- reading flags


def _figure_text(problem):
    figure = problem["figure"]
    if figure == "online_over_total":
        return _("%(year)s 年线上交易额 %(part)s 超过当年销售总额 %(total)s。") % {
            "year": problem.get("year"),
            "part": money(problem["part"]),
            "total": money(problem["total"]),
        }
    if figure == "product_over_enterprise":
        return _("新产品（技术）年度开票销售 %(part)s 超过企业年度开票销售 %(total)s。") % {
            "part": money(problem["part"]),
            "total": money(problem["total"]),
        }
    name = _(FIGURE_MSGIDS.get(figure, figure))
    if isinstance(problem.get("declared"), str) and isinstance(problem.get("sum"), str):
        return _("提交时的“%(figure)s”为 %(declared)s，按明细重新合计为 %(sum)s。") % {
            "figure": name,
            "declared": money(problem["declared"]),
            "sum": money(problem["sum"]),
        }
    return _("提交时的“%(figure)s”与按明细重新合计的结果不一致。") % {"figure": name}


def describe(flag: ApplicationFlag, *, other: dict | None) -> str:
    """Why, in the active language; `other` = {"enterprise", "receipt_no", "category"} when the reader may see
    the other application, else None ("另一家企业")."""
    d, kind = flag.details or {}, flag.kind
    whose = (
        _("%(enterprise)s 的申报书（%(receipt)s）")
        % {"enterprise": other["enterprise"], "receipt": other["receipt_no"]}
        if other
        else _("另一家企业的申报书")
    )
    if kind == "duplicate_invoice":
        if "count" in d:
            return _("发票号码 %(invoice)s 在本批次另有 %(n)s 份申报书填报。") % {
                "invoice": d["label"],
                "n": d["count"],
            }
        return _("发票号码 %(invoice)s 同时出现在%(whose)s中。") % {"invoice": d["label"], "whose": whose}
    if kind == "duplicate_file":
        if "count" in d:
            return _("附件“%(file)s”与本批次另外 %(n)s 份其他企业申报书中的文件完全相同（SHA-256 一致）。") % {
                "file": d["label"],
                "n": d["count"],
            }
        return _("附件“%(file)s”与%(whose)s中的附件“%(other)s”完全相同（SHA-256 一致）。") % {
            "file": d["label"],
            "whose": whose,
            "other": d.get("other_label", ""),
        }
    if kind == "total_mismatch":
        return "".join(_figure_text(problem) for problem in d.get("problems", []))
    if kind == "outside_period":
        rows = "、".join(str(row["row"]) for row in d.get("rows", []))
        start, end = (d.get("period") or ["", ""])[:2]
        return _("投入清单第 %(rows)s 行的日期不在本批次投入统计期（%(start)s 至 %(end)s）内。") % {
            "rows": rows,
            "start": start,
            "end": end,
        }
    if kind == "outside_yangzhou":
        return outside_yangzhou_hint(d.get("uscc", ""), for_reviewer=True) or ""
    if kind == "both_categories":
        if other:
            return _("该企业在本批次还提交了“%(category)s”类别的申报书（%(receipt)s）。") % {
                "category": other["category"],
                "receipt": other["receipt_no"],
            }
        return _("该企业在本批次还提交了另一个类别的申报书。")
    return flag.message


def may_see_flags(user, application) -> bool:
    return sees_flags.test(user, application)


def flags_for(user, application: Application) -> list[dict]:
    """The flags of `application` shaped for display, [] for anyone who may not see them (enterprises).

    Each: id, kind, label, message (active language), other = {id, receipt_no, enterprise, category, url} when
    the reader may see the other application, None otherwise; computed_at."""
    if not may_see_flags(user, application):
        return []
    flags = ApplicationFlag.objects.filter(application=application).select_related(
        "other_application__enterprise", "other_application__category"
    )
    shown = []
    for flag in flags:
        other = flag.other_application
        visible = None
        if other is not None and can_view.test(user, other):
            visible = {
                "id": other.pk,
                "receipt_no": other.receipt_no,
                "enterprise": other.enterprise.name,
                "category": other.category.name,
                "url": reverse("applications:detail", args=[other.pk]),
            }
        shown.append(
            {
                "id": flag.pk,
                "kind": flag.kind,
                "label": str(FLAG_KINDS.label(flag.kind)),
                "message": describe(flag, other=visible),
                "other": visible,
                "computed_at": flag.computed_at,
            }
        )
    return shown


def flag_filter_q(kind: str | None = None) -> Q:
    """A Q on Application: has a flag of `kind` (a FLAG_KINDS code), or any flag when `kind` is None/""."""
    flags = ApplicationFlag.objects.filter(application=OuterRef("pk"))
    if kind:
        flags = flags.filter(kind=kind)
    return Q(Exists(flags))


def stored_message(flag: ApplicationFlag) -> str:
    """The Chinese reason written into `message` (for the admin and exports)."""
    with translation.override("zh-hans"):
        return describe(flag, other=None)
