"""The printable application PDF: real Chinese text in an embedded font, every section, cache by digest."""

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from accounts.models import Organisation
from applications import pdf_cache
from applications.models import Application, Snapshot
from applications.pdf import build_context, money, qr_data_uri, render_application_html, render_application_pdf
from applications.pdf_cache import PdfNotAvailable, get_or_render_pdf, pdf_path
from applications.tasks import render_pdf_task
from core.errors import Conflict
from core.fonts import available_faces
from tests.applications.pdf_samples import canonical, digest_of, sample
from tests.factories import CallFactory, OrganisationFactory

SITE = "http://testserver.example"


def url_for(snapshot):
    return f"{SITE}/verify/{digest_of(snapshot)}"


def pdftotext(path, layout=True):
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def flat_text(path):
    """Reading-order text without whitespace: table cells that wrap stay together."""
    return re.sub(r"\s+", "", pdftotext(path, layout=False))


def pdffonts(path):
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


def embedded_fonts(report):
    """(name, embedded) for every font row of `pdffonts`."""
    rows = []
    for line in report.splitlines()[2:]:
        parts = line.split()
        # name type… encoding emb sub uni id gen: emb is the 5th field from the end
        rows.append((parts[0], parts[-5] == "yes"))
    return rows


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Both samples rendered once for the whole module (rendering is the slow part)."""
    out = {}
    folder = tmp_path_factory.mktemp("pdf")
    for code in ("demonstration", "new_product"):
        snapshot = sample(code)
        path = folder / f"{code}.pdf"
        path.write_bytes(render_application_pdf(snapshot, verify_url=url_for(snapshot)))
        out[code] = {
            "snapshot": snapshot,
            "path": path,
            "text": pdftotext(path),
            "flat": flat_text(path),
            "fonts": pdffonts(path),
        }
    return out


@pytest.mark.parametrize("code", ["demonstration", "new_product"])
def test_pdf_is_a_pdf_with_the_cover_facts_as_text(rendered, code):
    r = rendered[code]
    assert r["path"].read_bytes().startswith(b"%PDF-")
    text = r["text"]
    snapshot = r["snapshot"]
    assert snapshot["enterprise"]["name"] in text
    assert snapshot["receipt_no"] in text
    assert snapshot["category"]["name"] in text
    assert digest_of(snapshot) in text  # the full digest on the cover
    assert url_for(snapshot) in text
    assert "一式两份" in text


def test_enterprise_basics_from_the_profile_snapshot(rendered):
    text = rendered["demonstration"]["text"]
    flat = rendered["demonstration"]["flat"]
    assert "91321003MA1MXXXX8L" in text and "王建国" in text
    assert "邗江区" in text and "13805140001" in text
    assert "42,000,000.00" in text  # revenue in yuan, from a decimal string
    assert "具有独立法人资格" in text
    assert "本企业信用良好。" in flat and "本企业无违法记录。" in flat  # the profile's declarations
    assert "shenbao.enterprise.v1" not in text  # bookkeeping keys are not printed


def test_submission_time_is_shown_in_shanghai_time(rendered):
    # 2019-05-15T02:00:00Z is 10:00 in Asia/Shanghai
    assert "2019年05月15日 10:00:00（北京时间）" in rendered["demonstration"]["text"]


@pytest.mark.parametrize("code", ["demonstration", "new_product"])
def test_every_page_has_its_number_and_the_footer(rendered, code):
    text = rendered[code]["text"]
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    total = len(pages)
    assert total >= 3
    receipt_no = rendered[code]["snapshot"]["receipt_no"]
    short = digest_of(rendered[code]["snapshot"])[:16]
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"第\s*{number}\s*页\s*共\s*{total}\s*页", page), page[-200:]
        assert receipt_no in page and short in page


@pytest.mark.parametrize("code", ["demonstration", "new_product"])
def test_chinese_font_is_embedded(rendered, code):
    fonts = embedded_fonts(rendered[code]["fonts"])
    cjk = [(name, emb) for name, emb in fonts if re.search(r"Shenbao|WenQuanYi|Noto|CJK|wqy", name, re.I)]
    assert cjk, rendered[code]["fonts"]
    assert all(emb for _name, emb in cjk)
    assert all(emb for _name, emb in fonts), "every font must be embedded"


@pytest.mark.skipif(not available_faces(__import__("django.conf").conf.settings.PDF_FONT_DIR), reason="fonts not built")
def test_the_pre_subset_font_is_used_when_built(rendered):
    fonts = [name for name, _emb in embedded_fonts(rendered["demonstration"]["fonts"])]
    assert any("Shenbao-Sans-SC" in name for name in fonts), fonts
    # the slow full system fonts are not needed for our own texts
    assert not any("Noto-Sans-CJK" in name or "WenQuanYi" in name for name in fonts), fonts
    # no other fallback face either (each costs rendering time): only our font and the mono font for digests
    assert {re.sub(r"^[A-Z]{6}\+", "", name) for name in fonts} <= {
        "Shenbao-Sans-SC",
        "Shenbao-Sans-SC-Bold",
        "DejaVu-Sans-Mono",
    }, fonts


def test_demonstration_sections_and_totals(rendered):
    text = rendered["demonstration"]["text"]
    for title in [
        "示范（试点）企业申请书",
        "一、企业基本情况",
        "二、互联网应用环节及成效",
        "三、近两年信息化、智能化投入清单",
        "四、关键生产管理软件应用情况",
        "生产管控项目",
        "五、线上交易情况",
        "六、企业“互联网+”情况总结",
        "七、申报条件核对",
        "八、申报材料清单",
        "九、承诺书",
        "法定代表人（签字）",
        "企业（盖章）",
    ]:
        assert title in text, title
    # the 2016 item is outside the 2017–2018 investment period: listed, not counted
    assert "统计期外，不计入" in text
    assert "582,500.00" in text  # grand total inside the period
    assert "328,500.00" in text and "254,000.00" in text  # per year
    assert "448,500.00" in text and "134,000.00" in text  # per area
    flat = rendered["demonstration"]["flat"]  # table cells wrap: compare their contents without line breaks
    assert "用友网络科技股" in flat and "No.3200181130" in flat and "186,000.00" in text
    assert "制造执行系统（MES）" in flat
    assert "设备联网与远程实时监控" in flat
    assert "57.2%" in text  # (18.5 + 26.2) / (36.2 + 42.0), one decimal (core.formatting)
    assert "本企业郑重承诺" in text


def test_demonstration_totals_in_the_context():
    snapshot = sample("demonstration")
    context = build_context(snapshot, verify_url=url_for(snapshot))
    assert context["investment_total"] == "582,500.00"
    assert context["year_totals"] == ["328,500.00", "254,000.00"]
    assert context["investment_excluded"] == "45,000.00"
    by_area = {row["label"]: row["total"] for row in context["area_totals"]}
    assert by_area["生产管控"] == "448,500.00"
    assert by_area["研发设计"] == "0.00"
    assert context["online_share"] == "57.2%"
    assert context["software_kinds"] == 3
    assert [row["share"] for row in context["sales"]] == ["51.1%", "62.4%"]
    assert [i["counted"] for i in context["investments"]] == [True] * 5 + [False]


def test_the_pdf_prints_the_frozen_figures_and_never_recomputes_them(monkeypatch):
    """The snapshot's `derived` is what was judged at submission: the PDF prints it as it is."""
    from applications import derived

    def no_recomputing(*args, **kwargs):
        raise AssertionError("the PDF must not compute figures")

    for name in ("figures", "demonstration_figures", "new_product_figures"):
        monkeypatch.setattr(derived, name, no_recomputing)
    snapshot = sample("demonstration")
    frozen = snapshot["derived"]
    frozen["investment_total_yuan"] = "111111.11"  # not the sum of the rows: the frozen figure wins
    frozen["investment_by_year_yuan"] = {"2017": "1.00", "2018": "2.00"}
    frozen["investment_by_area_yuan"] = {"production_control": "3.00"}
    frozen["investment_by_area_year_yuan"] = {"production_control": {"2018": "4.00"}}
    frozen["online_sales_share"] = "0.1234"
    frozen["management_software_kinds"] = ["ERP"]
    snapshot["call"]["investment_period"] = ["2018-01-01", "2018-12-31"]  # the period is frozen with them too
    context = build_context(snapshot, verify_url=url_for(snapshot))
    assert context["investment_total"] == "111,111.11"
    assert context["years"] == ["2017", "2018"] and context["year_totals"] == ["1.00", "2.00"]
    by_area = {row["label"]: row for row in context["area_totals"]}
    assert by_area["生产管控"]["total"] == "3.00" and by_area["生产管控"]["years"] == ["0.00", "4.00"]
    assert context["online_share"] == "12.3%" and context["software_kinds"] == 1
    assert "111,111.11" in render_application_html(snapshot, verify_url=url_for(snapshot))

    snapshot = sample("new_product")
    snapshot["derived"]["rd_investment_total_yuan"] = "222222.22"
    snapshot["derived"]["patents"] = 7
    snapshot["derived"]["comparison"]["productivity"].update(change_percent="1.5", meets_reference_target=False)
    context = build_context(snapshot, verify_url=url_for(snapshot))
    assert context["rd_total"] == "222,222.22" and context["patents"] == 7
    rows = {r["label"]: r for r in context["comparison"]}
    assert rows["生产效率"]["change"] == "+1.5%" and rows["生产效率"]["meets"] is False


def test_new_product_sections_and_comparison(rendered):
    text = rendered["new_product"]["text"]
    for title in [
        "研发推广应用新产品新技术申请书",
        "二、产品（技术）概述与产业化情况",
        "三、开票销售、上缴税金和研发投入",
        "四、“三降低两提升”对比分析",
        "五、技术水平与知识产权",
        "知识产权清单",
        "七、申报材料清单",
        "八、承诺书",
    ]:
        assert title in text, title
    flat = rendered["new_product"]["flat"]
    assert "基于物联网的智能温控复合材料成型系统" in flat
    assert "371,500.00" in text  # R&D total
    assert "24,300,000.00" in text and "9,800,000.00" in text
    assert "国内领先" in text
    assert "ZL201810000000.1" in flat and "发明专利" in flat
    # the ownership column: its header and its values as the form writes them (programmes.vocabulary)
    assert "取得方式" in flat and "自主研发" in flat and "依法受让" in flat
    assert "自有/受让" not in flat
    # the 2015 reference targets beside the figures
    for target in ["-20.0%", "-10.0%", "+20.0%", "+4.0%"]:
        assert target in text, target


def test_ownership_labels_are_the_vocabulary_labels():
    from programmes.vocabulary import OWNERSHIP

    snapshot = sample("new_product")
    ip = build_context(snapshot, verify_url=url_for(snapshot))["ip"]
    assert [str(i["ownership"]) for i in ip] == [str(OWNERSHIP.label(i["ownership"])) for i in snapshot["form"]["ip"]]
    assert [str(i["ownership"]) for i in ip] == ["自主研发", "依法受让", "自主研发"]


def _comparison(snapshot):
    from applications.derived import figures

    snapshot["derived"] = figures("new_product", snapshot["form"], period=None)  # what a submission freezes
    return {r["label"]: r for r in build_context(snapshot, verify_url=url_for(snapshot))["comparison"]}


def test_comparison_change_per_indicator():
    snapshot = sample("new_product")
    rows = _comparison(snapshot)
    assert rows["运营成本"]["change"] == "-23.2%" and rows["运营成本"]["meets"] is True  # 1250 → 960
    assert rows["产品研制周期"]["change"] == "-27.8%"  # 90 → 65 days
    assert rows["生产效率"]["change"] == "+30.0%" and rows["生产效率"]["meets"] is True
    assert rows["能源利用率"]["change"] == "+8.9%"
    snapshot["form"]["comparison"]["productivity"]["new"] = "4.4"  # +10% only
    assert _comparison(snapshot)["生产效率"]["meets"] is False
    snapshot["form"]["comparison"]["productivity"]["traditional"] = "0"
    rows = _comparison(snapshot)
    assert rows["生产效率"]["change"] == "" and rows["生产效率"]["meets"] is None


def test_materials_list_shows_every_sha256(rendered):
    # The hashes wrap inside their narrow column: read in reading order (no -layout), without line breaks.
    flat = rendered["demonstration"]["flat"]
    for material in rendered["demonstration"]["snapshot"]["materials"]:
        assert material["sha256"] in flat
        assert material["filename"] in flat


def test_qr_code_encodes_the_verify_url_in_the_html():
    snapshot = sample("demonstration")
    url = url_for(snapshot)
    html = render_application_html(snapshot, verify_url=url)
    assert url in html
    assert qr_data_uri(url) in html
    assert qr_data_uri(url).startswith("data:image/svg+xml;base64,")
    assert qr_data_uri(url) != qr_data_uri(url + "0")


def test_user_text_is_escaped():
    snapshot = sample("demonstration")
    snapshot["form"]["summary"] = '<img src="file:///etc/passwd">总结'
    html = render_application_html(snapshot, verify_url=url_for(snapshot))
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img" in html


def test_unknown_category_is_refused():
    snapshot = sample("demonstration")
    snapshot["category"]["code"] = "other"
    with pytest.raises(ValueError):
        render_application_html(snapshot, verify_url=url_for(snapshot))


def test_money_is_formatted_from_decimal_strings():
    assert money("186000") == "186,000.00"  # in a column headed "（元）": no unit (core.formatting)
    assert money(Decimal("0.5")) == "0.50"
    assert money("") == "" and money(None) == ""


def test_fallback_font_when_the_derived_font_is_missing(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path  # nothing built here
    snapshot = sample("new_product")
    path = tmp_path / "fallback.pdf"
    path.write_bytes(render_application_pdf(snapshot, verify_url=url_for(snapshot)))
    assert snapshot["enterprise"]["name"] in pdftotext(path)
    names = [name for name, emb in embedded_fonts(pdffonts(path)) if emb]
    assert not any("Shenbao" in name for name in names)
    assert any(re.search(r"WenQuanYi|Noto|CJK", name, re.I) for name in names), names


# The cache: one rendering per digest ---------------------------------------------------------------------


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.SITE_URL = SITE
    return default_storage


def submitted_application(*, status=Application.Status.SUBMITTED):
    call = CallFactory()
    enterprise = OrganisationFactory(name="扬州市邗江区智造云科技有限公司", kind=Organisation.Kind.ENTERPRISE)
    application = Application.objects.create(
        call=call,
        category=call.categories.get(code="demonstration"),
        enterprise=enterprise,
        status=status,
        receipt_no="YZ2018-SF-321003-0001",
    )
    snapshot = sample("demonstration")
    snapshot["application_id"] = application.pk
    body = canonical(snapshot)
    digest = digest_of(snapshot)
    Snapshot.objects.create(application=application, version=1, canonical_json=body.decode(), digest=digest)
    Application.objects.filter(pk=application.pk).update(digest=digest)
    application.refresh_from_db()
    return application, digest


@pytest.fixture
def count_renders(monkeypatch):
    calls = []
    real = pdf_cache.render_application_pdf

    def counting(snapshot, *, verify_url):
        calls.append(verify_url)
        return real(snapshot, verify_url=verify_url)

    monkeypatch.setattr(pdf_cache, "render_application_pdf", counting)
    return calls


@pytest.mark.django_db
def test_cache_renders_once_and_serves_from_storage(storage, count_renders):
    application, digest = submitted_application()
    first = get_or_render_pdf(application)
    assert first.startswith(b"%PDF-")
    assert storage.exists(pdf_path(digest)) and pdf_path(digest).startswith(f"pdf/{digest}-")
    assert count_renders == [f"{SITE}/verify/{digest}"]
    second = get_or_render_pdf(application)
    assert second == first
    assert len(count_renders) == 1


@pytest.mark.django_db
def test_cache_uses_the_latest_snapshot(storage, count_renders):
    application, digest = submitted_application()
    newer = json.loads(Snapshot.objects.get(digest=digest).canonical_json)
    newer["version"] = 2
    newer["receipt_no"] = application.receipt_no
    Snapshot.objects.create(
        application=application, version=2, canonical_json=canonical(newer).decode(), digest=digest_of(newer)
    )
    get_or_render_pdf(application)
    assert storage.exists(pdf_path(digest_of(newer)))
    assert not storage.exists(pdf_path(digest))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Application.Status.DRAFT, Application.Status.WITHDRAWN, Application.Status.RETURNED]
)
def test_no_pdf_without_a_standing_submission(storage, count_renders, status):
    application, _digest = submitted_application(status=status)  # a snapshot exists from the earlier submission
    with pytest.raises(PdfNotAvailable) as excinfo:
        get_or_render_pdf(application)
    assert excinfo.value.status == 404
    assert "尚未提交" in excinfo.value.message
    assert count_renders == []
    render_pdf_task.delay(application.pk)  # the task is a no-op then
    assert count_renders == []


@pytest.mark.django_db
def test_no_pdf_without_a_snapshot(storage, count_renders):
    call = CallFactory()
    application = Application.objects.create(
        call=call,
        category=call.categories.get(code="demonstration"),
        enterprise=OrganisationFactory(),
        status=Application.Status.SUBMITTED,
    )
    with pytest.raises(Conflict) as excinfo:  # never submitted: 409, as the API has always answered
        get_or_render_pdf(application)
    assert excinfo.value.status == 409 and "尚未提交" in excinfo.value.message
    assert count_renders == []


@pytest.mark.django_db
def test_render_task_fills_the_cache(storage, count_renders):
    application, digest = submitted_application()
    render_pdf_task.delay(application.pk)
    assert storage.exists(pdf_path(digest))
    render_pdf_task.delay(application.pk)  # idempotent
    assert len(count_renders) == 1
    render_pdf_task.delay(987654)  # a vanished application is no error


@pytest.mark.django_db
def test_cache_file_appears_whole_and_a_cut_off_one_is_rendered_again(storage, count_renders):
    """A worker killed mid-write must not leave half a PDF under the cache key (tests/shenbao/test_crash_safety)."""
    application, digest = submitted_application()
    root = Path(storage.location)
    first = get_or_render_pdf(application)
    assert pdf_cache.is_complete_pdf(first)
    assert [p.name for p in (root / "pdf").iterdir()] == [pdf_path(digest).removeprefix("pdf/")]
    # What a crash during Django's chunked write left behind: the start of the file, under its final name.
    (root / pdf_path(digest)).write_bytes(first[: len(first) // 2])
    again = get_or_render_pdf(application)
    assert pdf_cache.is_complete_pdf(again) and len(count_renders) == 2
    assert pdf_cache.is_complete_pdf((root / pdf_path(digest)).read_bytes())
    assert not pdf_cache.is_complete_pdf(b"%PDF-1.7\n1 0 obj") and not pdf_cache.is_complete_pdf(b"")


# End to end: a real submission through the core service ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,title,total_key",
    [
        ("demonstration", "示范（试点）企业申请书", "investment_total_yuan"),
        ("new_product", "研发推广应用新产品新技术申请书", "rd_investment_total_yuan"),
    ],
)
def test_pdf_of_a_real_submission(cast, storage, tmp_path, django_capture_on_commit_callbacks, code, title, total_key):
    from applications import services
    from tests.applications.core_helpers import complete, make_call

    user = cast.enterprise_a
    application = complete(user, make_call(), code)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(application=application, actor=user, declaration=True)
    application.refresh_from_db()
    # the render task queued on commit has filled the cache already
    assert storage.exists(pdf_path(application.digest))
    path = tmp_path / "real.pdf"
    path.write_bytes(get_or_render_pdf(application))
    text = pdftotext(path)
    assert application.receipt_no in text
    assert user.organisation.name in text
    assert application.digest in text
    assert title in text and "承诺书" in text
    assert "扬州市工业和信息化局 制" in text.split("\f")[0]  # the cover fits on its page
    # the total printed is the one the core computed for the eligibility engine
    snapshot = json.loads(Snapshot.objects.get(application=application).canonical_json)
    assert money(snapshot["derived"][total_key]) in text


@pytest.mark.django_db
def test_pdf_download_through_the_api(cast, storage, client, api_token):
    from applications import services
    from tests.applications.core_helpers import complete, make_call

    user = cast.enterprise_a
    application = complete(user, make_call())
    services.application_submit(application=application, actor=user, declaration=True)
    response = client.get(f"/api/v1/applications/{application.pk}/pdf", **api_token(user))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    other = client.get(f"/api/v1/applications/{application.pk}/pdf", **api_token(cast.enterprise_b))
    assert other.status_code == 404


@pytest.mark.parametrize("code", ["demonstration", "new_product"])
def test_the_cover_fits_on_one_page(rendered, code):
    pages = rendered[code]["text"].split("\f")
    assert "扬州市工业和信息化局 制" in pages[0]
    assert "一、企业基本情况" in pages[1]


@pytest.mark.django_db
def test_withdrawn_application_pdf_is_404_on_the_page_and_the_api(cast, storage, client, api_token):
    from applications import services
    from tests.applications.core_helpers import complete, make_call

    user = cast.enterprise_a
    application = complete(user, make_call())
    application = services.application_submit(application=application, actor=user, declaration=True)
    services.application_withdraw(application=application, actor=user)
    api = client.get(f"/api/v1/applications/{application.pk}/pdf", **api_token(user))
    assert api.status_code == 404, api.content
    assert api.json()["errors"][0]["message"]
    client.force_login(user)
    page = client.get(f"/applications/{application.pk}/pdf/")
    assert page.status_code in (302, 404)  # a message and back to the application, or 404: never a 500


@pytest.mark.django_db
def test_a_new_site_url_renders_a_new_pdf(storage, count_renders, settings):
    application, digest = submitted_application()
    get_or_render_pdf(application)
    first = pdf_path(digest)
    settings.SITE_URL = "https://shenbao.example.gov.cn"
    assert pdf_path(digest) != first
    get_or_render_pdf(application)
    assert len(count_renders) == 2 and storage.exists(pdf_path(digest))
