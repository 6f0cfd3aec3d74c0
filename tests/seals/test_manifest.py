"""Sealed manifests: canonical JSON, seals embedded, each covering the body and the seals before it."""

import json

import pytest

from reviews.seals.manifest import SCHEMA, manifest_bytes, seal_manifest, verify_manifest

BODY = {
    "schema": "shenbao.batch-manifest.v1",
    "region": "321003",
    "applications": [
        {"receipt_no": "YZ2019-SF-321003-0001", "snapshot_sha256": "ab" * 32, "enterprise": "扬州市测试科技有限公司"},
        {"receipt_no": "YZ2019-XP-321003-0002", "snapshot_sha256": "cd" * 32, "enterprise": "乙企业"},
    ],
    "documents": {"summary.pdf": {"sm3": "ef" * 32}},
}


@pytest.fixture
def sealed(cast):
    industry, finance = cast.hanjiang_industry.organisation, cast.hanjiang_finance.organisation
    first = seal_manifest(BODY, [], organisation=industry, signer="张工信", bureau_label="邗江区工信局")
    second = seal_manifest(
        first["body"], first["signatures"], organisation=finance, signer="李财政", bureau_label="邗江区财政局"
    )
    return first, second


def test_sign_and_verify(sealed):
    first, second = sealed
    assert second["schema"] == SCHEMA and second["body"] == BODY
    assert second["signatures"][0] == first["signatures"][0]
    outcome = verify_manifest(manifest_bytes(second))
    assert outcome["valid"] is True and outcome["kind"] == "manifest"
    assert [(s["bureau"], s["signer"], s["valid"]) for s in outcome["signatures"]] == [
        ("邗江区工信局", "张工信", True),
        ("邗江区财政局", "李财政", True),
    ]
    assert verify_manifest(manifest_bytes(first))["valid"] is True


def test_the_file_is_canonical_utf8_json(sealed):
    data = manifest_bytes(sealed[1])
    assert "扬州市测试科技有限公司".encode() in data  # not \u-escaped
    assert data == json.dumps(json.loads(data), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def test_one_changed_byte_anywhere_fails(sealed):
    data = manifest_bytes(sealed[1])
    for position in range(0, len(data), 7):
        changed = bytearray(data)
        changed[position] = ord("x") if changed[position] != ord("x") else ord("y")
        assert verify_manifest(bytes(changed))["valid"] is False, (position, data[position - 10 : position + 10])


def test_whitespace_or_an_appended_newline_fails(sealed):
    data = manifest_bytes(sealed[1])
    assert verify_manifest(data + b"\n")["valid"] is False
    pretty = json.dumps(json.loads(data), ensure_ascii=False, sort_keys=True, indent=1).encode()
    outcome = verify_manifest(pretty)
    assert outcome["valid"] is False and all(s["valid"] for s in outcome["signatures"])


def test_a_changed_body_value_fails_every_seal(sealed):
    document = json.loads(manifest_bytes(sealed[1]))
    document["body"]["applications"][0]["snapshot_sha256"] = "00" * 32
    outcome = verify_manifest(manifest_bytes(document))
    assert outcome["valid"] is False and not any(s["valid"] for s in outcome["signatures"])


def test_removing_or_reordering_seals_is_detected(sealed):
    document = json.loads(manifest_bytes(sealed[1]))
    document["signatures"] = document["signatures"][::-1]
    assert verify_manifest(manifest_bytes(document))["valid"] is False
    document["signatures"] = document["signatures"][:1]  # only the second seal left: it covered the first
    assert verify_manifest(manifest_bytes(document))["valid"] is False


def test_a_seal_relabelled_fails(sealed):
    document = json.loads(manifest_bytes(sealed[1]))
    document["signatures"][1]["signer"] = "王某"
    outcome = verify_manifest(manifest_bytes(document))
    assert [s["valid"] for s in outcome["signatures"]] == [True, False]
