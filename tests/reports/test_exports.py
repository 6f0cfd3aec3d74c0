"""Exports: the lists as xlsx, formula injection neutralised (checked by LibreOffice), permissions, audit."""

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from audit.models import Event
from reports.models import ApplicationFigures
from tests.reviews.helpers import submitted

EVIL = '=HYPERLINK("http://evil","x")'
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _sheet(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.worksheets[0]


@pytest.fixture
def two_counties(cast):
    from applications import services as application_services
    from tests.applications.core_helpers import complete, make_call

    call = make_call()
    mine = submitted(cast, call=call)
    other = complete(cast.enterprise_b, call, "demonstration", region="321002")
    other = application_services.application_submit(application=other, actor=cast.enterprise_b, declaration=True)
    return mine, other


@pytest.mark.django_db
def test_queue_export_has_chinese_headers_money_as_decimal_and_its_row(client, cast, two_counties):
    mine, _other = two_counties
    sheet = _sheet(_get(client, cast.city_officer, "/api/v1/exports/queue.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("受理编号", "企业名称", "统一社会信用代码")
    by_receipt = {r[0]: r for r in rows[1:]}
    assert len(by_receipt) == 2
    row = by_receipt[mine.receipt_no]
    figures = ApplicationFigures.objects.get(application=mine)
    assert figures.investment_yuan is not None and figures.investment_yuan > 0
    assert Decimal(str(row[8])) == figures.investment_yuan
    cell = next(c for c in sheet[by_receipt_index(rows, mine.receipt_no)] if c.column == 9)
    assert cell.number_format == "#,##0.00" and cell.data_type == "n"
    assert row[3] == "邗江区"
    from programmes.vocabulary import BUREAUS

    assert row[11] == "、".join(str(BUREAUS.label(c)) for c in BUREAUS.codes)  # submitted: both bureaus owe


def by_receipt_index(rows, receipt):
    return next(i for i, r in enumerate(rows, start=1) if r[0] == receipt)


@pytest.mark.django_db
def test_county_reviewer_exports_only_its_own_units_rows(client, cast, two_counties):
    mine, other = two_counties
    for url in ("/api/v1/exports/queue.xlsx", "/api/v1/exports/applications.xlsx"):
        rows = list(_sheet(_get(client, cast.hanjiang_industry, url)).iter_rows(values_only=True))[1:]
        assert [r[0] for r in rows] == [mine.receipt_no], url
        rows = list(_sheet(_get(client, cast.guangling_finance, url)).iter_rows(values_only=True))[1:]
        assert [r[0] for r in rows] == [other.receipt_no], url


@pytest.mark.django_db
def test_queue_export_keeps_the_queue_filters(client, cast, two_counties):
    mine, _other = two_counties
    rows = list(
        _sheet(_get(client, cast.city_officer, "/api/v1/exports/queue.xlsx?region=321003")).iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [mine.receipt_no]
    response = _get(client, cast.city_officer, "/api/v1/exports/queue.xlsx?status=nonsense")
    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["enterprise_a", "expert", "anonymous"])
@pytest.mark.parametrize(
    "name", ["queue", "applications", "batches", "experts", "ranking", "publicity", "objections", "designations"]
)
def test_enterprises_and_experts_may_not_export(client, cast, who, name):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = client.get(f"/api/v1/exports/{name}.xlsx")
    assert response.status_code == (401 if who == "anonymous" else 403)


@pytest.mark.django_db
def test_county_reviewer_may_not_export_the_city_lists(client, cast):
    for name in ("experts", "ranking"):
        assert _get(client, cast.hanjiang_industry, f"/api/v1/exports/{name}.xlsx").status_code == 403


@pytest.mark.django_db
def test_unknown_list_is_404(client, cast):
    assert _get(client, cast.city_officer, "/api/v1/exports/nothing.xlsx").status_code == 404


@pytest.mark.django_db
def test_each_export_is_audited_with_filters_and_rows(client, cast, two_counties):
    _get(client, cast.city_officer, "/api/v1/exports/queue.xlsx?region=321003&q=%E7%94%B2")
    event = Event.objects.filter(action="export.queue").get()
    assert event.actor_username == "city"
    assert event.data["rows"] == 1
    assert event.data["filters"] == {"region": "321003", "q": "甲", "sort": "-submitted_at"}


@pytest.mark.django_db
def test_experts_and_batches_export(client, cast):
    from evaluation.models import Expert

    Expert.objects.create(user=cast.expert, field="software", employer_name="-2+3 研究所")
    sheet = _sheet(_get(client, cast.city_officer, "/api/v1/exports/experts.xlsx"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "登录名" and rows[1][0] == "exp"
    assert "-2+3 研究所" in rows[1]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    batches = list(
        _sheet(_get(client, cast.hanjiang_industry, "/api/v1/exports/batches.xlsx")).iter_rows(values_only=True)
    )
    assert batches[0][0] == "文号" and len(batches) == 1


@pytest.mark.django_db
def test_formula_text_is_never_written_as_a_formula(client, cast, two_counties):
    mine, _other = two_counties
    mine.enterprise.name = EVIL
    mine.enterprise.save(update_fields=["name"])
    sheet = _sheet(_get(client, cast.city_officer, "/api/v1/exports/applications.xlsx"))
    cells = [c for row in sheet.iter_rows() for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.mark.django_db
@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed")
def test_libreoffice_reads_the_hyperlink_formula_as_text(client, cast, two_counties, tmp_path):
    mine, _other = two_counties
    mine.enterprise.name = EVIL
    mine.enterprise.save(update_fields=["name"])
    response = _get(client, cast.city_officer, "/api/v1/exports/queue.xlsx")
    source = tmp_path / "queue.xlsx"
    source.write_bytes(b"".join(response.streaming_content))
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{tmp_path}/lo_reports",
            "--headless",
            "--convert-to",
            CSV_UTF8,
            "--outdir",
            str(tmp_path),
            str(source),
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = list(csv.reader((tmp_path / "queue.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][1] == "企业名称"
    row = next(r for r in rows if r[0] == mine.receipt_no)
    assert row[1] == EVIL  # the text itself, not "x" (the formula's result) nor an error


@pytest.mark.django_db
def test_the_queue_page_links_its_export_with_the_same_filters(client, cast, two_counties):
    client.force_login(cast.city_officer)
    html = client.get("/review/?region=321003").content.decode()
    assert "/api/v1/exports/queue.xlsx?region=321003" in html and "导出 Excel" in html
    assert 'href="/reports/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "first"), [("publicity", "公示编号"), ("objections", "公示编号"), ("designations", "证书编号")]
)
def test_the_publicity_lists_export_for_the_city_only(client, cast, name, first):
    rows = list(_sheet(_get(client, cast.city_officer, f"/api/v1/exports/{name}.xlsx")).iter_rows(values_only=True))
    assert rows[0][0] == first
    assert _get(client, cast.hanjiang_industry, f"/api/v1/exports/{name}.xlsx").status_code == 403


@pytest.fixture
def designated_publicity(cast, monkeypatch):
    """A published list of two scored applications, an objection to the first (its grounds a formula, dismissed),
    the period over and the category designated (certificates not made: tests/publicity/test_certificates)."""
    from publicity import designations
    from publicity import services as publicity_services
    from tests.publicity import helpers

    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    publicity, apps = helpers.published(cast)
    objection = publicity_services.lodge_objection(
        publicity=publicity, application_id=apps[0].pk, name="张三", mobile="13812345678", grounds=FORMULA
    )
    publicity_services.decide(actor=cast.city_officer, objection=objection, upheld=False, reply="经核实，异议不成立。")
    helpers.shift(publicity, -(publicity.ends_on - publicity.starts_on).days - 1)
    publicity.refresh_from_db()
    outcome = designations.designations_issue(actor=cast.city_officer, call=publicity.call, category=publicity.category)
    return publicity, apps, objection, outcome["designations"]


FORMULA = '=HYPERLINK("x")'


def _rows(client, user, url):
    sheet = _sheet(_get(client, user, url))
    return sheet, list(sheet.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_publicity_export_lists_the_entries(client, cast, designated_publicity):
    publicity, apps, _objection, _designations = designated_publicity
    _sheet_, rows = _rows(client, cast.city_officer, f"/api/v1/exports/publicity.xlsx?call={publicity.call_id}")
    assert rows[0] == (
        "公示编号", "申报类别", "公示开始日期", "公示截止日期", "序号", "排名", "企业名称", "受理编号", "撤下时间", "撤下原因",
    )  # fmt: skip
    assert len(rows) == 3
    first = rows[1]
    assert first[0] == publicity.pk and first[1] == publicity.category.name
    assert first[2].date() == publicity.starts_on and first[3].date() == publicity.ends_on
    assert first[4:8] == (1, 1, apps[0].enterprise.name, apps[0].receipt_no)
    assert first[8] is None and first[9] is None  # not removed
    assert rows[2][4] == 2 and rows[2][7] == apps[1].receipt_no
    event = Event.objects.filter(action="export.publicity").latest("id")
    assert event.data == {"filters": {"call": publicity.call_id}, "rows": 2}


@pytest.mark.django_db
def test_the_objections_export_keeps_a_formula_as_text(client, cast, designated_publicity):
    publicity, apps, objection, _designations = designated_publicity
    sheet, rows = _rows(client, cast.city_officer, "/api/v1/exports/objections.xlsx")
    assert rows[0] == ("公示编号", "异议对象", "姓名", "手机号码", "异议事由", "状态", "答复", "提交时间", "处理时间")
    [row] = rows[1:]
    assert row[:7] == (
        publicity.pk,
        apps[0].enterprise.name,
        "张三",
        "13812345678",
        FORMULA,
        "异议不成立",
        "经核实，异议不成立。",
    )
    assert row[7] is not None and row[8] is not None
    cell = sheet.cell(row=2, column=5)
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)


@pytest.mark.django_db
def test_the_designations_export_lists_numbers_and_kinds(client, cast, designated_publicity):
    publicity, apps, _objection, issued = designated_publicity
    url = f"/api/v1/exports/designations.xlsx?call={publicity.call_id}&category={publicity.category.code}"
    _sheet_, rows = _rows(client, cast.city_officer, url)
    assert rows[0] == ("证书编号", "认定类型", "企业名称", "受理编号", "申报类别", "认定时间")
    assert [r[0] for r in rows[1:]] == [d.number for d in issued] and len(issued) == 2
    assert rows[1][1:5] == ("示范企业", apps[0].enterprise.name, apps[0].receipt_no, publicity.category.name)
    assert rows[1][5] is not None


@pytest.mark.django_db
def test_the_publicity_lists_filter_by_call(client, cast, designated_publicity):
    from tests.applications.core_helpers import make_call

    other = make_call()
    for name in ("publicity", "objections", "designations"):
        _sheet_, rows = _rows(client, cast.city_officer, f"/api/v1/exports/{name}.xlsx?call={other.pk}")
        assert len(rows) == 1, name  # the headers only
    client.force_login(cast.city_officer)
    response = client.get("/api/v1/exports/objections.xlsx?call=x")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "call"
    assert client.get("/api/v1/exports/designations.xlsx?category=demonstration").status_code == 422
    assert client.get(f"/api/v1/exports/designations.xlsx?call={other.pk}&category=nope").status_code == 422
    assert client.get("/api/v1/exports/publicity.xlsx?call=999999").status_code == 404


@pytest.mark.django_db
def test_the_publicity_pages_link_their_exports(client, cast, designated_publicity):
    publicity, _apps, _objection, _designations = designated_publicity
    client.force_login(cast.city_officer)
    html = client.get(f"/publicity/calls/{publicity.call_id}/").content.decode()
    assert f'href="/api/v1/exports/publicity.xlsx?call={publicity.call_id}"' in html
    assert f'href="/api/v1/exports/objections.xlsx?call={publicity.call_id}"' in html
    html = client.get(f"/designations/calls/{publicity.call_id}/{publicity.category.code}/").content.decode()
    link = f"/api/v1/exports/designations.xlsx?call={publicity.call_id}&amp;category={publicity.category.code}"
    assert link in html and "导出 Excel" in html
