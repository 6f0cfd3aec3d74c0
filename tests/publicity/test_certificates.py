"""The designation certificate: a Chinese PDF sealed by the city bureau that verifies with the published keys
(offline too), fails when one byte changes, and whose QR code leads to a public page saying whether it is genuine."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pypdf import PdfReader

from audit.models import Event
from publicity import certificates, designations
from publicity.models import Designation
from reviews.seals.crypto import sm3_hex
from reviews.seals.pdf import verify_pdf
from tests.applications.core_helpers import make_call
from tests.publicity.test_designations import in_expert_review, published
from tests.seals.helpers import flip


@pytest.fixture
def designation(cast, monkeypatch):
    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    call = make_call()
    a = in_expert_review(call, cast.enterprise_a.organisation)
    published(call, [a], officer=cast.city_officer)
    outcome = designations.designations_issue(
        actor=cast.city_officer, call=call, category=call.categories.get(code="demonstration")
    )
    return certificates.certificate_issue(outcome["designations"][0])


@pytest.fixture
def pdf(designation):
    return certificates.certificate_bytes(designation)


def test_the_certificate_is_sealed_by_the_city_bureau(designation, pdf):
    assert pdf.startswith(b"%PDF-") and sm3_hex(pdf) == designation.certificate_sm3
    outcome = verify_pdf(pdf)
    assert outcome["valid"] is True
    [seal] = outcome["signatures"]
    assert seal["bureau"] == "扬州市工业和信息化局" and seal["valid"] is True
    assert seal["organisation_id"] == certificates.city_bureau().pk
    assert Event.objects.filter(action="designation.certificate", object_id=str(designation.pk)).exists()


def test_the_certificate_names_the_enterprise_the_designation_the_call_and_the_date(designation, pdf):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")
    for expected in (
        designation.application.enterprise.name,
        "示范企业",
        designation.number,
        designation.call.title,
        "扬州市工业和信息化局",
        "认定证书",
    ):
        assert expected in text, expected
    day = designation.issued_at.astimezone(certificates.timezone.get_default_timezone()).date()
    assert f"{day.year}年{day.month}月{day.day}日" in text
    # The address the QR code encodes, printed as a person reads it.
    assert f"/results/certificates/{designation.number}/" in text


def test_one_changed_byte_fails(pdf):
    for position in (100, len(pdf) // 2, len(pdf) - 10):
        assert verify_pdf(flip(pdf, position))["valid"] is False, position
    assert verify_pdf(pdf + b"\n")["valid"] is False


def run_verify_seal(path, keys, capsys):
    try:
        call_command("verify_seal", str(path), "--keys", str(keys), "--json")
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, json.loads(capsys.readouterr().out)


def test_verify_seal_offline_with_the_exported_keys(client, pdf, tmp_path, capsys, django_assert_num_queries):
    keys = tmp_path / "keys.json"
    keys.write_bytes(client.get("/api/v1/seals/keys").content)
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    (tmp_path / "changed.pdf").write_bytes(flip(pdf, len(pdf) // 3))
    with django_assert_num_queries(0):  # nothing but the file and keys.json
        status, answer = run_verify_seal(tmp_path / "certificate.pdf", keys, capsys)
        assert status == 0 and answer["valid"] is True
        assert answer["signatures"][0]["bureau"] == "扬州市工业和信息化局"
        status, answer = run_verify_seal(tmp_path / "changed.pdf", keys, capsys)
        assert status == 1 and answer["valid"] is False


def test_the_seals_api_verifies_the_certificate(client, pdf):
    answer = client.post("/api/v1/seals/verify", {"file": SimpleUploadedFile("c.pdf", pdf)}).json()
    assert answer["valid"] is True
    answer = client.post("/api/v1/seals/verify", {"file": SimpleUploadedFile("c.pdf", flip(pdf, 500))}).json()
    assert answer["valid"] is False


def test_the_verification_page_is_public(client, designation, pdf):
    url = f"/results/certificates/{quote(designation.number, safe='')}/"
    assert certificates.verification_path(designation) == url
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'data-genuine="true"' in text
    assert designation.application.enterprise.name in text and designation.number in text
    by_digest = client.get(f"/results/certificates/{designation.certificate_sm3}/")
    assert by_digest.status_code == 200 and 'data-genuine="true"' in by_digest.content.decode()
    # The file presented: the issued one is genuine, one changed byte is not.
    genuine = client.post(url, {"file": SimpleUploadedFile("c.pdf", pdf)})
    assert 'data-genuine="true"' in genuine.content.decode()
    changed = client.post(url, {"file": SimpleUploadedFile("c.pdf", flip(pdf, len(pdf) // 2))})
    assert 'data-genuine="false"' in changed.content.decode() and "不一致" in changed.content.decode()
    unknown = client.get(f"/results/certificates/{quote('扬工信认〔1999〕9号', safe='')}/")
    assert unknown.status_code == 404 and 'data-genuine="false"' in unknown.content.decode()
    api = client.get(f"/api/v1/results/certificates/{quote(designation.number, safe='')}").json()
    assert api["genuine"] is True and api["designation"]["number"] == designation.number


def test_a_stored_certificate_that_was_changed_is_not_genuine(designation, pdf):
    with designation.certificate.open("wb") as handle:
        handle.write(flip(pdf, len(pdf) // 2))
    check = certificates.certificate_check(Designation.objects.get(pk=designation.pk))
    assert check["genuine"] is False


def test_the_download_makes_a_missing_certificate_once(client, api_token, cast, monkeypatch):
    monkeypatch.setattr(designations, "_make_certificates", lambda ids: None)
    call = make_call()
    a = in_expert_review(call, cast.enterprise_a.organisation)
    published(call, [a], officer=cast.city_officer)
    designations.designations_issue(
        actor=cast.city_officer, call=call, category=call.categories.get(code="demonstration")
    )
    assert not Designation.objects.get(application=a).certificate_sm3  # the task did not run
    headers = api_token(cast.enterprise_a)
    first = client.get(f"/api/v1/applications/{a.pk}/certificate.pdf", **headers)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    assert "attachment" in first["Content-Disposition"]
    second = client.get(f"/api/v1/applications/{a.pk}/certificate.pdf", **headers)
    assert second.content == first.content
    assert sm3_hex(first.content) == Designation.objects.get(application=a).certificate_sm3
    assert Event.objects.filter(action="designation.certificate").count() == 1
    downloads = Event.objects.filter(action="designation.download")
    assert downloads.count() == 2 and {e.actor_id for e in downloads} == {cast.enterprise_a.pk}


def test_the_qr_code_encodes_the_verification_address(designation):
    from applications.pdf import qr_data_uri

    context = certificates.certificate_context(designation)
    url = certificates.verification_url(designation)
    assert context["qr"] == qr_data_uri(url) and url.isascii()
    assert url.startswith(certificates.settings.SITE_URL.rstrip("/") + "/results/certificates/")
