"""A batch's documents: the summary sheet read back (openpyxl, LibreOffice), the PDFs' text and their seals
verified through reviews.seals, one changed byte anywhere failing."""

import csv
import io
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Region
from core import formatting
from reviews import batches, documents
from reviews.models import BatchDocument
from reviews.seals.verify import verify_any
from tests.reviews.batch_helpers import assembled, recommended_in_unit, sealed

Kind = BatchDocument.Kind
# LibreOffice's CSV filter: comma, double quote, character set 76 = UTF-8 (else the locale's, often ASCII), from row 1.
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"
HEADERS = [
    "序号",
    "县（市、区）",
    "受理编号",
    "企业名称",
    "统一社会信用代码",
    "申报类别",
    "项目投资额（元）",
    "研发投入（元）",
    "工信部门意见",
    "财政部门意见",
]


@pytest.fixture
def batch_of_two(cast):
    demonstration, new_product = recommended_in_unit(cast, 2, codes=("demonstration", "new_product"))
    return assembled(cast, [demonstration, new_product]), demonstration, new_product


def _frozen(application):
    return json.loads(application.snapshots.order_by("-version").first().canonical_json)


@pytest.mark.django_db
def test_the_xlsx_reads_back_with_chinese_headers_and_the_snapshots_figures(batch_of_two):
    batch, demonstration, new_product = batch_of_two
    sheet = load_workbook(io.BytesIO(batches.read_document(batches.document_of(batch, Kind.SUMMARY_XLSX)))).active
    assert sheet.title == "推荐汇总表"
    assert batch.number in sheet["A2"].value and "邗江区工信局" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == HEADERS
    rows = {row[2]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {demonstration.receipt_no, new_product.receipt_no}
    frozen = _frozen(demonstration)
    row = rows[demonstration.receipt_no]
    assert row[:6] == (1, "邗江区", demonstration.receipt_no, frozen["enterprise"]["name"],
                       frozen["enterprise"]["uscc"], "示范/试点企业")  # fmt: skip
    assert Decimal(str(row[6])) == Decimal(frozen["derived"]["investment_total_yuan"]) and row[7] is None
    assert row[8:] == ("通过", "通过")
    rd = rows[new_product.receipt_no]
    assert rd[6] is None and Decimal(str(rd[7])) == Decimal(_frozen(new_product)["derived"]["rd_investment_total_yuan"])


@pytest.mark.django_db
@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed (apt-get install -y --no-install-recommends libreoffice-calc): the "
    "independent check of the xlsx cannot run",
)
def test_libreoffice_reads_the_chinese_columns(batch_of_two, tmp_path):
    batch, demonstration, _new_product = batch_of_two
    source = tmp_path / "summary.xlsx"
    source.write_bytes(batches.read_document(batches.document_of(batch, Kind.SUMMARY_XLSX)))
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{tmp_path}/lo",
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
    rows = list(csv.reader((tmp_path / "summary.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[2] == HEADERS
    by_receipt = {row[2]: row for row in rows[3:]}
    row = by_receipt[demonstration.receipt_no]
    assert row[1] == "邗江区" and row[5] == "示范/试点企业" and row[8] == "通过"
    assert Decimal(row[6].replace(",", "")) == Decimal(_frozen(demonstration)["derived"]["investment_total_yuan"])


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_the_pdfs_carry_real_chinese_text(batch_of_two, tmp_path):
    batch, demonstration, _new_product = batch_of_two

    def text(kind):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(batches.read_document(batches.document_of(batch, kind)))
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout

    summary = text(Kind.SUMMARY_PDF)
    assert demonstration.receipt_no in summary and "统一社会信用代码" in summary
    assert formatting.money(_frozen(demonstration)["derived"]["investment_total_yuan"], unit="") in summary
    letter = text(Kind.LETTER_PDF)
    assert batch.number in letter and "扬州市工业和信息化局" in letter and "邗江区财政局" in letter
    assert "示范/试点企业" in letter and "研发推广应用新产品新技术" in letter


@pytest.mark.django_db
def test_the_sealed_documents_verify_and_one_changed_byte_fails(cast, batch_of_two):
    batch = sealed(cast, batch_of_two[0])
    for kind in (Kind.SUMMARY_PDF, Kind.LETTER_PDF, Kind.MANIFEST):
        data = batches.read_document(batches.document_of(batch, kind))
        outcome = verify_any(data)
        assert outcome["valid"], (kind, outcome)
        assert [s["bureau"] for s in outcome["signatures"]] == ["邗江区工信局", "邗江区财政局"]
        for at in (len(data) // 3, len(data) - 2):
            changed = bytearray(data)
            changed[at] ^= 0x01
            assert not verify_any(bytes(changed))["valid"], (kind, at)
    assert batches.verification_of(batch)["valid"]


@pytest.mark.django_db
def test_a_changed_stored_file_shows_in_the_batchs_verification(cast, batch_of_two):
    batch = sealed(cast, batch_of_two[0])
    xlsx = batches.document_of(batch, Kind.SUMMARY_XLSX)
    data = bytearray(batches.read_document(xlsx))
    data[100] ^= 0x01
    with xlsx.file.open("wb") as handle:
        handle.write(bytes(data))
    verification = batches.verification_of(batch)
    assert not verification["valid"]
    rows = {r["kind"]: r for r in verification["documents"]}
    assert not rows[Kind.SUMMARY_XLSX]["valid"] and rows[Kind.LETTER_PDF]["valid"]


@pytest.mark.django_db
def test_the_stamps_sit_on_their_boxes_on_the_last_page(batch_of_two):
    batch = batch_of_two[0]
    spots = batches.document_of(batch, Kind.LETTER_PDF, seals=0).seal_spots
    assert set(spots) == {"industry", "finance"}
    assert spots["industry"]["page"] == spots["finance"]["page"] == 0
    assert spots["industry"]["at"][0] < spots["finance"]["at"][0]  # side by side, industry on the left
    assert 20 < spots["industry"]["at"][1] < 277  # on the A4 page


@pytest.mark.django_db
def test_the_number_rule_for_counties_and_zones():
    assert batches.batch_number(Region.objects.get(pk="321003"), 2026, 3) == "邗工信〔2026〕3号"
    assert batches.batch_number(Region.objects.get(pk="321081"), 2026, 1) == "仪工信〔2026〕1号"
    abbreviations = {batches.unit_abbreviation(r) for r in Region.objects.exclude(kind=Region.Kind.CITY)}
    assert len(abbreviations) == Region.objects.exclude(kind=Region.Kind.CITY).count()  # one per unit


def test_opinion_text_and_dates():
    import datetime as dt

    assert documents.opinion_text("通过", "") == "通过"
    assert documents.opinion_text("通过", " 材料齐全 ") == "通过：材料齐全"
    assert documents.chinese_date(dt.date(2026, 1, 5)) == "2026年1月5日"
