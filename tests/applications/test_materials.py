"""Materials checklist: detection by content, every bad input, storage, replace/delete, permissions, pages."""

import hashlib
import io
import struct
import zipfile
import zlib
from decimal import ROUND_UP

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.material_samples import attach_demo_materials, jpeg_bytes, ofd_bytes, pdf_bytes, png_bytes
from applications.materials import detection, limits
from applications.materials import services as material_services
from applications.materials.checks import clean_filename, format_size
from applications.materials.detection import detect_type, pdf_has_active_content
from applications.materials.selectors import material_rows, materials_missing
from applications.materials.services import attach_material, delete_material, mark_submitted
from applications.models import Application, Material
from audit.models import Event
from core.errors import Conflict, DomainError, PermissionDeniedError
from programmes.demo import ensure_categories
from tests.factories import CallFactory

JPEG = jpeg_bytes()  # real images: the checks decode them to the end (docs/materials.md)
PNG = png_bytes()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100 + b"This program cannot be run"


def zip_bytes(names):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def pdf_js_open_action():
    return pdf_bytes("js", extra_catalog="/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")


def pdf_js_escaped_names():
    # /J#61vaScript is /JavaScript with a #xx escape; /J#53 is /JS.
    return pdf_bytes("js", extra_catalog="/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> ")


def pdf_launch():
    return pdf_bytes("launch", extra_catalog="/OpenAction << /S /Launch /F (cmd.exe) >> ")


def pdf_js_in_object_stream():
    """The JavaScript action lives compressed inside an object stream, found through an xref stream:
    invisible to a byte scan, visible to a parser."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}

    def obj(number, body):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    obj(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    obj(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    inner = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + inner)
    obj(
        5,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(packed))
        + packed
        + b"\nendstream",
    )
    xref_offset = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in (1, 2, 3):
        rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    rows.append(struct.pack(">BIH", 2, 5, 0))  # object 4: in object stream 5 at index 0
    rows.append(struct.pack(">BIH", 1, offsets[5], 0))
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    data = b"".join(rows)
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    root.mkdir()
    return root


@pytest.fixture
def call(db):
    call = CallFactory()
    ensure_categories(call)
    return call


@pytest.fixture
def application(cast, call):
    return Application.objects.create(
        call=call,
        category=call.categories.get(code="demonstration"),
        enterprise=cast.enterprise_a.organisation,
        created_by=cast.enterprise_a,
        data={},
    )


def item_of(application, code):
    return application.category.material_items.get(code=code)


def submit_directly(application, region="321003"):
    """The state a submission leaves (status, unit, receipt number, files listed), without the snapshot."""
    Application.objects.filter(pk=application.pk).update(
        status="submitted", region_id=region, receipt_no=f"T-{application.pk}"
    )
    application.refresh_from_db()
    mark_submitted(application=application)


# --- detection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (pdf_bytes(), "pdf"),
        (JPEG, "jpeg"),
        (PNG, "png"),
        (ofd_bytes(), "ofd"),
        (EXE, None),
        (b"", None),
        (b"GIF89a" + b"\x00" * 20, None),
        (b"  %PDF-1.4", None),
        (zip_bytes(["word/document.xml", "[Content_Types].xml"]), None),  # a .docx is a ZIP but not an OFD
        (zip_bytes(["Doc_0/OFD.xml"]), None),  # OFD.xml must be at the root
    ],
)
def test_detect_type_by_magic_bytes(content, kind):
    assert detect_type(content) == kind


def test_detect_ofd_reads_the_whole_zip_when_given_the_file():
    content = zip_bytes(["Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml", "OFD.xml"])
    assert detect_type(content[:8], io.BytesIO(content)) == "ofd"
    assert detect_type(content[:8], io.BytesIO(zip_bytes(["a.xml"]))) is None


@pytest.mark.parametrize(
    "content", [pdf_js_open_action(), pdf_js_escaped_names(), pdf_launch(), pdf_js_in_object_stream()]
)
def test_active_pdf_content_is_found(content):
    assert pdf_has_active_content(io.BytesIO(content)) is True


def test_clean_pdf_is_not_flagged_even_with_js_text_inside_a_stream():
    assert pdf_has_active_content(io.BytesIO(pdf_bytes(lines=["/JS /JavaScript (app.alert)"]))) is False


def test_raw_scan_alone_finds_uncompressed_and_escaped_javascript():
    assert detection._raw_has_active_name(pdf_js_open_action())
    assert detection._raw_has_active_name(pdf_js_escaped_names())
    assert detection._raw_has_active_name(pdf_launch())
    assert detection._raw_has_active_name(b"<< /Names << /JavaScript 12 0 R >> >>")
    assert not detection._raw_has_active_name(pdf_js_in_object_stream())


def test_paths_and_words_in_metadata_are_not_flagged():
    content = pdf_bytes("C:/JS/报告 /JavaScript notes /Launch plan")
    assert not detection._raw_has_active_name(b"<< /Title (C:/JS/file /JavaScript notes) /Subject (/Launch day) >>")
    assert pdf_has_active_content(io.BytesIO(content)) is False


def test_object_stream_sample_is_hidden_from_a_byte_scan():
    # Guards the test above: the JavaScript is really only visible to the parser.
    assert b"JavaScript" not in pdf_js_in_object_stream()


def test_format_size():
    assert format_size(20 * 1024 * 1024) == "20 MB"
    assert format_size(1536) == "1.5 KB"
    assert format_size(20 * 1024 * 1024 + 1, rounding=ROUND_UP) == "20.01 MB"
    assert format_size(10) == "10 B"


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("..\\..\\windows\\evil.pdf", "路径分隔符"),
        ("a/b.pdf", "路径分隔符"),
        ("bad\x00name.pdf", "控制字符"),
        ("invoice\u202efdp.exe", "控制字符"),  # right-to-left override: "invoiceexe.pdf" on screen
        ("x" * 196 + ".pdf", "不得超过 100 个字符"),
        ("", "文件名为空"),
    ],
)
def test_bad_filenames_are_refused(name, fragment):
    with pytest.raises(DomainError) as exc:
        clean_filename(name)
    assert fragment in exc.value.message


def test_filename_of_exactly_100_characters_is_accepted():
    name = "名" * 96 + ".pdf"
    assert clean_filename(name) == name


# --- attach: the good path -----------------------------------------------------------------------------


def test_attach_material_stores_file_row_hash_and_audit(cast, application, private_media):
    content = pdf_bytes("营业执照")
    item = item_of(application, "business_licence")
    material = attach_material(
        application=application, item=item, uploaded_file=upload("营业执照.pdf", content), actor=cast.enterprise_a
    )
    material.refresh_from_db()
    assert material.sha256 == hashlib.sha256(content).hexdigest()
    assert material.size == len(content)
    assert material.content_type == "application/pdf"
    assert material.original_name == "营业执照.pdf"
    assert material.uploaded_by == cast.enterprise_a
    # Stored privately under a random name, never the user's.
    assert material.file.name.startswith(f"applications/{application.pk}/")
    assert "营业执照" not in material.file.name
    with default_storage.open(material.file.name, "rb") as handle:
        assert handle.read() == content
    event = Event.objects.get(action="material.upload", object_id=str(material.pk))
    assert event.actor == cast.enterprise_a
    assert event.data["sha256"] == material.sha256


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.jpg", PNG, "scan.png"),  # extension follows the content
        ("licence", pdf_bytes(), "licence.pdf"),
        ("photo.JPEG", JPEG, "photo.JPEG"),
        ("电子发票.ofd", ofd_bytes(), "电子发票.ofd"),
        ("v1.2 final", JPEG, "v1.2 final.jpg"),
    ],
)
def test_extension_matches_detected_type(cast, application, name, content, expected):
    item = item_of(application, "results_evidence")
    material = attach_material(
        application=application, item=item, uploaded_file=upload(name, content), actor=cast.enterprise_a
    )
    assert material.original_name == expected


# --- attach: every bad input ---------------------------------------------------------------------------


def _refused(cast, application, private_media, file, code="business_licence", fragment=""):
    before = Material.objects.count()
    with pytest.raises(DomainError) as exc:
        attach_material(
            application=application, item=item_of(application, code), uploaded_file=file, actor=cast.enterprise_a
        )
    assert fragment in exc.value.message
    assert exc.value.errors[0]["field"] == "file"
    assert Material.objects.count() == before
    assert stored_files(private_media) == []
    return exc.value.message


def test_exe_renamed_pdf_is_refused(cast, application, private_media):
    message = _refused(cast, application, private_media, upload("年度报告.pdf", EXE), fragment="无法识别的文件类型")
    assert "PDF、JPEG、PNG 或 OFD" in message


def test_zero_byte_file_is_refused(cast, application, private_media):
    _refused(cast, application, private_media, upload("empty.pdf", b""), fragment="0 字节")


def test_file_over_the_item_limit_is_refused_naming_the_limit(cast, application, private_media):
    item = item_of(application, "business_licence")
    item.max_size_bytes = 1024
    item.save()
    message = _refused(cast, application, private_media, upload("big.pdf", pdf_bytes(lines=["x" * 2000])))
    assert "1 KB" in message and item.name in message


def test_default_limit_is_20_mb(cast, application, private_media):
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    message = _refused(cast, application, private_media, big)
    assert "上限 20 MB" in message


def test_size_is_checked_before_reading_the_file(cast, application, private_media):
    class Exploding(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            raise AssertionError("the file was read although its declared size is over the limit")

    file = Exploding("big.pdf", pdf_bytes())
    file.size = 21 * 1024 * 1024
    _refused(cast, application, private_media, file, fragment="超过")


@pytest.mark.parametrize(
    "content", [pdf_js_open_action(), pdf_js_escaped_names(), pdf_launch(), pdf_js_in_object_stream()]
)
def test_pdf_with_javascript_is_refused(cast, application, private_media, content):
    _refused(cast, application, private_media, upload("form.pdf", content), fragment="JavaScript")


def test_broken_pdf_is_refused(cast, application, private_media):
    _refused(cast, application, private_media, upload("broken.pdf", b"%PDF-1.4\nnot a pdf at all"), fragment="损坏")


def test_filename_with_path_separators_is_refused(cast, application, private_media):
    # Django keeps only the part after the last "/", so the backslash form is what reaches the service.
    _refused(cast, application, private_media, upload("..\\..\\settings.pdf", pdf_bytes()), fragment="路径分隔符")


def test_200_character_filename_is_refused(cast, application, private_media):
    _refused(cast, application, private_media, upload("申" * 196 + ".pdf", pdf_bytes()), fragment="100 个字符")


def test_type_not_allowed_for_the_item_is_refused(cast, application, private_media):
    item = item_of(application, "business_licence")
    item.allowed_types = "pdf,ofd"
    item.save()
    message = _refused(cast, application, private_media, upload("licence.png", PNG), fragment="只接受 PDF、OFD")
    assert "PNG" in message


def test_item_of_another_category_is_refused(cast, application):
    other = application.call.categories.get(code="new_product").material_items.first()
    with pytest.raises(DomainError) as exc:
        attach_material(
            application=application, item=other, uploaded_file=upload("a.pdf", pdf_bytes()), actor=cast.enterprise_a
        )
    assert exc.value.errors[0]["field"] == "item"


def test_another_enterprise_may_not_attach(cast, application, private_media):
    with pytest.raises(PermissionDeniedError):
        attach_material(
            application=application,
            item=item_of(application, "business_licence"),
            uploaded_file=upload("a.pdf", pdf_bytes()),
            actor=cast.enterprise_b,
        )
    assert stored_files(private_media) == []


def test_upload_refused_after_submission(cast, application, private_media):
    submit_directly(application)
    with pytest.raises(Conflict) as exc:
        attach_material(
            application=application,
            item=item_of(application, "business_licence"),
            uploaded_file=upload("a.pdf", pdf_bytes()),
            actor=cast.enterprise_a,
        )
    assert "已提交" in exc.value.message
    assert stored_files(private_media) == []


def test_upload_allowed_again_when_returned(cast, application):
    Application.objects.filter(pk=application.pk).update(status="returned", region_id="321003")
    application.refresh_from_db()
    attach_material(
        application=application,
        item=item_of(application, "business_licence"),
        uploaded_file=upload("a.pdf", pdf_bytes()),
        actor=cast.enterprise_a,
    )


def test_failure_after_storing_leaves_neither_file_nor_row(cast, application, private_media, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(material_services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        attach_material(
            application=application,
            item=item_of(application, "business_licence"),
            uploaded_file=upload("a.pdf", pdf_bytes()),
            actor=cast.enterprise_a,
        )
    assert Material.objects.count() == 0
    assert stored_files(private_media) == []


# --- replace and delete ----------------------------------------------------------------------------------


def test_second_file_replaces_the_first_on_a_single_file_item(
    cast, application, private_media, django_capture_on_commit_callbacks
):
    item = item_of(application, "business_licence")
    assert not item.multiple
    with django_capture_on_commit_callbacks(execute=True):
        first = attach_material(
            application=application,
            item=item,
            uploaded_file=upload("old.pdf", pdf_bytes("old")),
            actor=cast.enterprise_a,
        )
    old_path = private_media / first.file.name
    assert old_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = attach_material(
            application=application,
            item=item,
            uploaded_file=upload("new.pdf", pdf_bytes("new")),
            actor=cast.enterprise_a,
        )
    assert list(application.materials.values_list("pk", flat=True)) == [second.pk]
    assert not old_path.exists()
    assert stored_files(private_media) == [private_media / second.file.name]
    assert Event.objects.filter(action="material.replace", object_id=str(second.pk)).exists()


def test_multiple_item_keeps_every_file(cast, application):
    item = item_of(application, "investment_list")
    assert item.multiple
    for n in range(3):
        attach_material(
            application=application,
            item=item,
            uploaded_file=upload(f"发票{n}.pdf", pdf_bytes(str(n))),
            actor=cast.enterprise_a,
        )
    assert application.materials.filter(item=item).count() == 3


def test_delete_material_while_draft(cast, application, private_media, django_capture_on_commit_callbacks):
    material = attach_material(
        application=application,
        item=item_of(application, "business_licence"),
        uploaded_file=upload("a.pdf", pdf_bytes()),
        actor=cast.enterprise_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        delete_material(application=application, material=material, actor=cast.enterprise_a)
    assert not Material.objects.filter(pk=material.pk).exists()
    assert stored_files(private_media) == []
    assert Event.objects.filter(action="material.delete", object_id=str(material.pk)).exists()


def test_delete_refused_after_submission_and_for_others(cast, application, private_media):
    material = attach_material(
        application=application,
        item=item_of(application, "business_licence"),
        uploaded_file=upload("a.pdf", pdf_bytes()),
        actor=cast.enterprise_a,
    )
    with pytest.raises(PermissionDeniedError):
        delete_material(application=application, material=material, actor=cast.enterprise_b)
    submit_directly(application)
    with pytest.raises(Conflict):
        delete_material(application=application, material=material, actor=cast.enterprise_a)
    assert Material.objects.filter(pk=material.pk).exists()
    assert len(stored_files(private_media)) == 1


# --- selectors -------------------------------------------------------------------------------------------


def test_materials_missing_and_rows(cast, application, django_assert_max_num_queries):
    required = list(application.category.material_items.filter(required=True))
    assert len(required) == 7
    assert materials_missing(application) == required
    attach_material(
        application=application,
        item=item_of(application, "business_licence"),
        uploaded_file=upload("a.pdf", pdf_bytes()),
        actor=cast.enterprise_a,
    )
    missing = materials_missing(application)
    assert [i.code for i in missing] == [i.code for i in required if i.code != "business_licence"]
    with django_assert_max_num_queries(2):
        rows = material_rows(application)
    assert len(rows) == 7
    licence = next(r for r in rows if r["item"].code == "business_licence")
    assert not licence["missing"] and licence["materials"][0].original_name == "a.pdf"
    assert licence["max_size_label"] == "20 MB"
    assert licence["types_label"] == "PDF、JPEG、PNG、OFD"


def test_demo_materials_complete_the_checklist(cast, application):
    attach_demo_materials(application, cast.enterprise_a)
    assert materials_missing(application) == []
    assert application.materials.count() == 7
    for material in application.materials.all():
        assert material.content_type == "application/pdf"


# --- pages -----------------------------------------------------------------------------------------------


def _urls(application, material=None):
    urls = {
        "list": reverse("applications:material_list", args=[application.pk]),
        "upload": reverse("applications:material_upload", args=[application.pk]),
    }
    if material is not None:
        urls["download"] = reverse("applications:material_download", args=[application.pk, material.pk])
        urls["delete"] = reverse("applications:material_delete", args=[application.pk, material.pk])
    return urls


def _attach(cast, application, content=None, name="营业执照.pdf"):
    return attach_material(
        application=application,
        item=item_of(application, "business_licence"),
        uploaded_file=upload(name, content or pdf_bytes()),
        actor=cast.enterprise_a,
    )


def test_download_for_the_owner(client, cast, application):
    content = pdf_bytes("营业执照")
    material = _attach(cast, application, content)
    client.force_login(cast.enterprise_a)
    response = client.get(_urls(application, material)["download"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_denied_to_others(client, cast, application):
    material = _attach(cast, application)
    url = _urls(application, material)["download"]
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (cast.enterprise_b, cast.hanjiang_industry, cast.city_officer, cast.expert):
        client.force_login(user)
        assert client.get(url).status_code == 404, user  # a draft is nobody else's business


def test_download_for_reviewers_after_submission(client, cast, application):
    material = _attach(cast, application)
    submit_directly(application, region="321003")
    url = _urls(application, material)["download"]
    for user, status in [
        (cast.hanjiang_industry, 200),
        (cast.hanjiang_finance, 200),
        (cast.city_officer, 200),
        (cast.guangling_industry, 404),
        (cast.enterprise_b, 404),
        (cast.expert, 404),
        (cast.enterprise_a, 200),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_material_of_another_application_is_404(client, cast, application, call):
    material = _attach(cast, application)
    other = Application.objects.create(
        call=call, category=application.category, enterprise=cast.enterprise_b.organisation, data={}
    )
    client.force_login(cast.enterprise_b)
    assert client.get(reverse("applications:material_download", args=[other.pk, material.pk])).status_code == 404


def test_no_media_url_serves_files(client, cast, application):
    material = _attach(cast, application)
    client.force_login(cast.enterprise_a)
    assert client.get(f"/media/{material.file.name}").status_code == 404


def test_checklist_page_lists_items_with_limits(client, cast, application):
    material = _attach(cast, application)
    client.force_login(cast.enterprise_a)
    response = client.get(_urls(application)["list"])
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="material-item') == 7
    assert "企业法人营业执照复印件" in html and "单个文件不超过 20 MB" in html
    assert material.sha256[:12] in html
    assert "还缺 6 项必须提供的材料" in html
    assert 'enctype="multipart/form-data"' in html and "<progress" in html


def test_checklist_is_read_only_after_submission(client, cast, application):
    _attach(cast, application)
    submit_directly(application)
    client.force_login(cast.enterprise_a)
    html = client.get(_urls(application)["list"]).content.decode()
    assert "营业执照.pdf" in html
    assert "data-material-upload" not in html and "data-material-delete" not in html


def test_plain_upload_redirects_back_to_next(client, cast, application):
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"] + "?item=business_licence",
        {
            "item": "business_licence",
            "next": "/applications/999/edit/#materials",
            "file": upload("执照.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/applications/999/edit/#materials"
    assert application.materials.get().original_name == "执照.pdf"


def test_plain_upload_refuses_offsite_next(client, cast, application):
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"],
        {"item": "business_licence", "next": "https://evil.example/", "file": upload("a.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_plain_upload_error_shows_next_to_the_item(client, cast, application):
    client.force_login(cast.enterprise_a)
    list_url = _urls(application)["list"]
    response = client.post(
        _urls(application)["upload"] + "?item=business_licence",
        {"item": "business_licence", "next": list_url, "file": upload("setup.pdf", EXE)},
    )
    assert response.status_code == 302 and response["Location"] == list_url
    html = client.get(list_url).content.decode()
    section = html[html.index('id="material-business_licence"') :]
    section = section[: section.index("</li>\n  \n    <li") if "</li>\n  \n    <li" in section else None]
    assert "无法识别的文件类型" in section
    assert not application.materials.exists()
    # Shown once.
    assert "无法识别的文件类型" not in client.get(list_url).content.decode().split('id="materials"')[1]


def test_xhr_upload_returns_the_updated_checklist(client, cast, application):
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"],
        {"item": "business_licence", "file": upload("执照.png", PNG)},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="materials"' in html and "执照.png" in html and "<html" not in html


def test_xhr_upload_error_is_422_with_the_message(client, cast, application):
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"],
        {"item": "business_licence", "file": upload("empty.pdf", b"")},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    # Django drops an empty upload entirely, so the message is about choosing a file.
    assert response.status_code == 422
    assert "请先选择要上传的文件" in response.content.decode() or "0 字节" in response.content.decode()


def test_huge_request_is_refused_before_it_is_read(client, cast, application):
    item = item_of(application, "business_licence")
    application.category.material_items.update(max_size_bytes=1024)
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"] + f"?item={item.code}",
        {"item": item.code, "file": upload("big.pdf", b"%PDF-1.4\n" + b"0" * (400 * 1024))},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 413
    assert "单次上传不得超过 1 KB" in response.content.decode()
    assert not application.materials.exists()


def test_upload_limit_handler_stops_a_stream_without_content_length(rf):
    request = rf.post("/")
    handler = limits.UploadLimitHandler(request, limit=10)
    assert handler.handle_raw_input(None, {}, None, b"x") is None
    handler.receive_data_chunk(b"12345", 0)
    with pytest.raises(limits.StopUpload):
        handler.receive_data_chunk(b"678901", 5)
    assert request.upload_too_large is True
    result = limits.UploadLimitHandler(request, limit=10).handle_raw_input(None, {}, 11, b"x")
    assert result is not None and not result[1]


def test_page_upload_and_delete_denied_to_another_enterprise(client, cast, application):
    material = _attach(cast, application)
    client.force_login(cast.enterprise_b)
    urls = _urls(application, material)
    assert (
        client.post(urls["upload"], {"item": "business_licence", "file": upload("a.pdf", pdf_bytes())}).status_code
        == 404
    )
    assert client.post(urls["delete"]).status_code == 404
    assert application.materials.count() == 1


def test_page_delete(client, cast, application):
    material = _attach(cast, application)
    client.force_login(cast.enterprise_a)
    response = client.post(_urls(application, material)["delete"], {"next": _urls(application)["list"]})
    assert response.status_code == 302
    assert not application.materials.exists()


def test_page_upload_requires_csrf(cast, application):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"], {"item": "business_licence", "file": upload("a.pdf", pdf_bytes())}
    )
    assert response.status_code == 403
    assert not application.materials.exists()


def test_page_upload_after_submission_is_refused(client, cast, application):
    submit_directly(application)
    client.force_login(cast.enterprise_a)
    response = client.post(
        _urls(application)["upload"],
        {"item": "business_licence", "file": upload("a.pdf", pdf_bytes())},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 409
    assert "已提交" in response.content.decode()
    assert not application.materials.exists()


# --- concurrency -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_uploads_to_a_single_file_item_leave_one(cast, call, private_media):
    """Two colleagues upload the licence at the same moment: the row lock serialises them, one file stays."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    app = Application.objects.create(
        call=call,
        category=call.categories.get(code="demonstration"),
        enterprise=cast.enterprise_a.organisation,
        data={},
    )
    item = item_of(app, "business_licence")
    barrier = threading.Barrier(4)
    failures = []

    def worker(n):
        try:
            barrier.wait()
            attach_material(
                application=app,
                item=item,
                uploaded_file=upload(f"执照{n}.pdf", pdf_bytes(str(n))),
                actor=cast.enterprise_a,
            )
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert Material.objects.filter(application=app, item=item).count() == 1
    assert len(stored_files(private_media)) == 1
