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
