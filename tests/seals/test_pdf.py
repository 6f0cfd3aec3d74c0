"""Sealed PDFs: the seal is a visible stamp plus an SM2 signature in an incremental update; one byte breaks it."""

import base64
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from reviews.seals import crypto
from reviews.seals.pdf import seal_pdf, verify_pdf
from reviews.seals.selectors import published_keys
from reviews.seals.services import seal_key_for
from tests.seals.helpers import chinese_pdf, flip


@pytest.fixture
def bureaus(cast):
    return cast.hanjiang_industry.organisation, cast.hanjiang_finance.organisation


@pytest.fixture
def sealed_once(bureaus):
    industry, _ = bureaus
    return seal_pdf(
        chinese_pdf(), organisation=industry, signer="张工信", bureau_label="邗江区工信局", position=(60, 50)
    )


@pytest.fixture
def sealed_twice(sealed_once, bureaus):
    _, finance = bureaus
    return seal_pdf(sealed_once, organisation=finance, signer="李财政", bureau_label="邗江区财政局", position=(150, 50))


def test_sign_and_verify(sealed_once, bureaus):
    original = chinese_pdf()
    assert sealed_once.startswith(original)  # an incremental update: the original bytes are kept as they are
    outcome = verify_pdf(sealed_once)
    assert outcome["valid"] is True
    [signature] = outcome["signatures"]
    assert signature["valid"] and signature["signer"] == "张工信" and signature["bureau"] == "邗江区工信局"
    assert signature["key_id"] == seal_key_for(bureaus[0]).key_id
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signature["signed_at"])


def test_an_unsealed_pdf_is_not_valid(db):
    outcome = verify_pdf(chinese_pdf())
    assert outcome["valid"] is False and outcome["signatures"] == []


def test_two_seals_both_valid_and_the_second_covers_the_first(sealed_once, sealed_twice):
    assert sealed_twice.startswith(sealed_once)
    outcome = verify_pdf(sealed_twice)
    assert outcome["valid"] is True
    assert [(s["bureau"], s["valid"]) for s in outcome["signatures"]] == [
        ("邗江区工信局", True),
        ("邗江区财政局", True),
    ]
    ranges = [[int(n) for n in m.split()] for m in re.findall(rb"/ByteRange \[ ([\d ]+?) *\]", sealed_twice)]
    assert len(ranges) == 2
    first, second = ranges
    assert first[2] + first[3] == len(sealed_once)  # the first covers its own revision
    assert second[2] + second[3] == len(sealed_twice)  # the last covers everything but its Contents


def _offsets(data):
    """Positions worth changing: in the original page content, in each signature's hex, in each dictionary."""
    contents = [m.start(1) for m in re.finditer(rb"/Contents <(30)", data)]
    names = [m.start() + 3 for m in re.finditer(rb"/Shenbao\.KeyId", data)]
    return {
        "header": 5,
        "original content": len(chinese_pdf()) // 2,
        "end of the original": len(chinese_pdf()) - 3,
        "first signature value": contents[0] + 20,
        "last signature value": contents[-1] + 20,
        "first signature padding": contents[0] + 200,
        "first signature dictionary": names[0],
        "last signature dictionary": names[-1],
        "last byte": len(data) - 1,
    }


def test_one_changed_byte_anywhere_fails(sealed_twice):
    for where, position in _offsets(sealed_twice).items():
        outcome = verify_pdf(flip(sealed_twice, position))
        assert outcome["valid"] is False, where


def test_an_appended_byte_fails(sealed_twice):
    for tail in (b"\n", b" ", b"%%EOF\n"):
        outcome = verify_pdf(sealed_twice + tail)
        assert outcome["valid"] is False
        assert all(s["valid"] for s in outcome["signatures"])  # the seals themselves still verify their ranges
        assert "追加" in outcome["reason"]


def test_a_truncated_file_fails(sealed_twice):
    assert verify_pdf(sealed_twice[:-10])["valid"] is False


def test_a_changed_byte_in_a_content_stream_fails_the_seal_that_covers_it(sealed_once):
    # Change a character of the page content itself (inside the first deflated stream).
    position = sealed_once.index(b"stream\n") + 40
    outcome = verify_pdf(flip(sealed_once, position))
    assert outcome["valid"] is False


def test_unknown_keys_and_wrong_organisation_are_refused(sealed_once, bureaus):
    assert verify_pdf(sealed_once, keys=[])["valid"] is False
    keys = published_keys()
    for entry in keys:
        entry["organisation_id"] = bureaus[1].pk  # the key published for another bureau
    outcome = verify_pdf(sealed_once, keys=keys)
    assert outcome["valid"] is False and "不符" in outcome["signatures"][0]["reason"]


def test_a_garbage_pdf_is_invalid_not_an_error(db):
    assert verify_pdf(b"%PDF-1.7\nnot really a pdf")["valid"] is False


def test_the_stamp_is_on_the_last_page_at_the_given_positions(sealed_twice):
    reader = PdfReader(io.BytesIO(sealed_twice))
    page = reader.pages[-1]
    widgets = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 2
    centres = sorted(((float(w["/Rect"][0]) + float(w["/Rect"][2])) / 2 / 72 * 25.4) for w in widgets)
    assert centres == pytest.approx([60, 150], abs=0.1)
    appearance = widgets[0]["/AP"]["/N"].get_object()
    image = appearance["/Resources"]["/XObject"]["/Seal"].get_object()
    assert image["/Subtype"] == "/Image" and "/SMask" in image


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_renders_the_red_stamp(sealed_once, tmp_path):
    (tmp_path / "s.pdf").write_bytes(sealed_once)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", "s.pdf", "page"], cwd=tmp_path, check=True)
    from PIL import Image

    image = Image.open(tmp_path / "page.png").convert("RGB")
    # The stamp's centre (60 mm, 50 mm from the lower left) is the red star.
    x, y = round(60 / 25.4 * 40), image.height - round(50 / 25.4 * 40)
    red, green, blue = image.getpixel((x, y))
    assert red > 150 and green < 90 and blue < 90


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_verifies_the_pdf_signature_over_its_byte_range(sealed_once, bureaus, tmp_path):
    a, b, c, d = (int(n) for n in re.search(rb"/ByteRange \[ ([\d ]+?) *\]", sealed_once).group(1).split())
    der = bytes.fromhex(sealed_once[b + 1 : c - 1].decode())
    der = der[: crypto.der_length(der)]
    public = seal_key_for(bureaus[0]).public_key
    spki = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200" + public)
    (tmp_path / "pub.pem").write_text(
        "-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(spki).decode() + "-----END PUBLIC KEY-----\n"
    )
    (tmp_path / "covered.bin").write_bytes(sealed_once[a:b] + sealed_once[c : c + d])
    (tmp_path / "sig.der").write_bytes(der)
    result = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "covered.bin"]
        + ["-sigfile", "sig.der", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_page_with_links_keeps_them(bureaus):
    from weasyprint import HTML

    document = HTML(string='<p>上报文件 <a href="https://example.org/">链接</a></p>').write_pdf()
    sealed = seal_pdf(document, organisation=bureaus[0], signer="张工信", bureau_label="邗江区工信局")
    sealed = seal_pdf(sealed, organisation=bureaus[1], signer="李财政", bureau_label="邗江区财政局")
    assert verify_pdf(sealed)["valid"] is True
    annotations = [a.get_object() for a in PdfReader(io.BytesIO(sealed)).pages[-1]["/Annots"]]
    assert sorted(str(a["/Subtype"]) for a in annotations) == ["/Link", "/Widget", "/Widget"]
