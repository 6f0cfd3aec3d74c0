"""The public seal endpoints, the page and the offline command agree on every file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from reviews.seals.manifest import manifest_bytes, seal_manifest
from reviews.seals.pdf import seal_pdf
from reviews.seals.services import seal_key_for
from tests.seals.helpers import chinese_pdf, flip

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(cast):
    industry, finance = cast.hanjiang_industry.organisation, cast.hanjiang_finance.organisation
    once = seal_pdf(chinese_pdf(), organisation=industry, signer="张工信", bureau_label="邗江区工信局")
    twice = seal_pdf(once, organisation=finance, signer="李财政", bureau_label="邗江区财政局", position=(60, 50))
    manifest = manifest_bytes(
        seal_manifest(
            {"applications": ["YZ-1"]}, [], organisation=industry, signer="张工信", bureau_label="邗江区工信局"
        )
    )
    return {
        "sealed.pdf": twice,
        "changed.pdf": flip(twice, len(twice) // 3),
        "appended.pdf": twice + b"\n",
        "manifest.json": manifest,
        "changed.json": manifest.replace(b"YZ-1", b"YZ-2"),
    }


def post(client, name, data):
    return client.post("/api/v1/seals/verify", {"file": SimpleUploadedFile(name, data)})


def test_keys_are_public(client, files, cast):
    response = client.get("/api/v1/seals/keys")
    assert response.status_code == 200
    keys = {entry["key_id"]: entry for entry in response.json()}
    industry = seal_key_for(cast.hanjiang_industry.organisation)
    entry = keys[industry.key_id]
    assert entry["public_key"] == industry.public_key and entry["organisation"] == "邗江区工信局"
    assert entry["organisation_id"] == industry.organisation_id and entry["bureau"] == "county_industry"
    assert entry["created_at"].endswith("Z")
    assert "private" not in json.dumps(response.json())


def test_verify_answers(client, files):
    answer = post(client, "sealed.pdf", files["sealed.pdf"]).json()
    assert answer["valid"] is True
    assert [(s["bureau"], s["signer"], s["valid"]) for s in answer["signatures"]] == [
        ("邗江区工信局", "张工信", True),
        ("邗江区财政局", "李财政", True),
    ]
    assert all(s["signed_at"] for s in answer["signatures"])
    for name in ("changed.pdf", "appended.pdf", "changed.json"):
        assert post(client, name, files[name]).json()["valid"] is False, name
    assert post(client, "manifest.json", files["manifest.json"]).json()["valid"] is True


def test_a_file_that_is_neither_is_422_in_chinese(client, db):
    response = post(client, "notes.txt", "这不是盖章文件".encode())
    assert response.status_code == 422
    assert "无法识别该文件" in response.json()["errors"][0]["message"]
    response = client.post("/api/v1/seals/verify", {})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"


def test_the_page(client, files):
    assert client.get("/seals/verify/").status_code == 200
    page = client.post("/seals/verify/", {"file": SimpleUploadedFile("sealed.pdf", files["sealed.pdf"])})
    text = page.content.decode()
    assert page.status_code == 200 and 'data-valid="true"' in text and "李财政" in text and "（北京时间）" in text
    page = client.post("/seals/verify/", {"file": SimpleUploadedFile("changed.pdf", files["changed.pdf"])})
    assert 'data-valid="false"' in page.content.decode()
    page = client.post("/seals/verify/", {"file": SimpleUploadedFile("x.txt", b"hello")})
    assert page.status_code == 422 and "无法识别该文件" in page.content.decode()


def run_offline(path, keys, capsys):
    """`manage.py verify_seal FILE --keys keys.json --json` in this process: (exit status, JSON answer)."""
    try:
        call_command("verify_seal", str(path), "--keys", str(keys), "--json")
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, json.loads(capsys.readouterr().out)


def test_offline_verify_seal_agrees_with_the_api(client, files, tmp_path, capsys, django_assert_num_queries):
    keys = tmp_path / "keys.json"
    keys.write_bytes(client.get("/api/v1/seals/keys").content)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        api = post(client, name, data).json()
        with django_assert_num_queries(0):  # only keys.json tells the keys
            status, offline = run_offline(tmp_path / name, keys, capsys)
        assert status == (0 if api["valid"] else 1), name
        assert offline == api, name


def test_offline_verify_seal_needs_no_database(client, files, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_bytes(client.get("/api/v1/seals/keys").content)
    (tmp_path / "sealed.pdf").write_bytes(files["sealed.pdf"])
    (tmp_path / "changed.pdf").write_bytes(files["changed.pdf"])
    # Another process on a database that does not even exist: nothing but the file and keys.json.
    environment = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'none.sqlite3'}"}
    for name, expected in (("sealed.pdf", 0), ("changed.pdf", 1)):
        result = subprocess.run(
            [sys.executable, "manage.py", "verify_seal", str(tmp_path / name), "--keys", str(keys)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=environment,
        )
        assert result.returncode == expected, (name, result.stdout, result.stderr)
        assert result.stdout.startswith("VALID" if expected == 0 else "INVALID")


def test_verify_seal_with_the_database(files, tmp_path, capsys):
    (tmp_path / "sealed.pdf").write_bytes(files["sealed.pdf"])
    call_command("verify_seal", str(tmp_path / "sealed.pdf"))
    assert capsys.readouterr().out.startswith("VALID")
    (tmp_path / "changed.pdf").write_bytes(files["changed.pdf"])
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_seal", str(tmp_path / "changed.pdf"))
    assert exit_.value.code == 1 and "INVALID" in capsys.readouterr().out


def test_openapi_documents_the_seal_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    verify = paths["/api/v1/seals/verify"]["post"]
    assert {"200", "422"} <= set(verify["responses"]) and not verify.get("security")
    assert "multipart/form-data" in verify["requestBody"]["content"]
    assert not paths["/api/v1/seals/keys"]["get"].get("security")
