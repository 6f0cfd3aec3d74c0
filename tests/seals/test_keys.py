"""Seal keys: one per bureau, made on demand and audited, the private key never stored in clear."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import Organisation
from audit.models import Event
from core.errors import DomainError
from reviews.seals import crypto, vault
from reviews.seals.models import SealKey
from reviews.seals.pdf import seal_pdf
from reviews.seals.services import seal_key_for, sign_with
from tests.seals.helpers import chinese_pdf

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hanjiang_industry_bureau(cast):
    return cast.hanjiang_industry.organisation


def test_made_once_on_demand_and_audited(hanjiang_industry_bureau, cast):
    key = seal_key_for(hanjiang_industry_bureau, actor=cast.hanjiang_industry)
    assert seal_key_for(hanjiang_industry_bureau) == key
    assert SealKey.objects.filter(organisation=hanjiang_industry_bureau).count() == 1
    assert key.key_id == crypto.key_id_of(key.public_key) and len(key.key_id) == 16
    assert key.public_key.startswith("04") and len(key.public_key) == 130
    event = Event.objects.get(action="seal.key_created")
    assert event.actor == cast.hanjiang_industry and event.data["key_id"] == key.key_id
    assert bytes(key.seal_png).startswith(b"\x89PNG")


def test_each_bureau_has_its_own_key(cast):
    keys = {seal_key_for(user.organisation).key_id for user in (cast.hanjiang_industry, cast.hanjiang_finance)}
    assert len(keys) == 2


def test_only_bureaus_have_seals(cast):
    with pytest.raises(DomainError):
        seal_key_for(cast.enterprise_a.organisation)
    with pytest.raises(DomainError):
        seal_key_for(Organisation.objects.get(kind="expert_pool"))


def test_private_key_is_not_stored_in_clear(hanjiang_industry_bureau):
    key = seal_key_for(hanjiang_industry_bureau)
    private = vault.decrypt(key.private_key_encrypted, associated=key.vault_binding)
    assert crypto.public_key_of(private) == key.public_key
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM seals_sealkey WHERE id = %s", [key.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert private not in row.lower() and private.upper() not in row
    assert bytes.fromhex(private).hex() not in row


def test_wrong_master_key_fails_with_a_clear_error(hanjiang_industry_bureau, settings):
    key = seal_key_for(hanjiang_industry_bureau)
    settings.SEAL_MASTER_KEY = "another-master-key-" + "x" * 40
    with pytest.raises(vault.MasterKeyMismatch, match="SEAL_MASTER_KEY is not the key it was encrypted with"):
        sign_with(key, [b"m"])
    with pytest.raises(vault.MasterKeyMismatch):
        seal_pdf(chinese_pdf(), organisation=hanjiang_industry_bureau, signer="张三", bureau_label="邗江区工信局")


def test_a_ciphertext_moved_to_another_bureau_does_not_open(cast):
    industry = seal_key_for(cast.hanjiang_industry.organisation)
    finance = seal_key_for(cast.hanjiang_finance.organisation)
    with pytest.raises(vault.MasterKeyMismatch):
        vault.decrypt(industry.private_key_encrypted, associated=finance.vault_binding)


def test_production_refuses_to_start_without_a_master_key(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "SHENBAO_ENV": "production",
        "SECRET_KEY": "a-Very-long-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "shenbao.example.gov.cn",
        "SITE_URL": "https://shenbao.example.gov.cn",
        "SHENBAO_VAR_DIR": str(tmp_path),
    }
    command = [sys.executable, "manage.py", "check"]
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SEAL_MASTER_KEY must be set in production" in result.stderr
    assert not (tmp_path / "seal_master_key").exists()


def test_the_seal_picture_embeds_in_weasyprint(hanjiang_industry_bureau):
    from weasyprint import HTML

    from reviews.seals.services import seal_image_uri

    uri = seal_image_uri(hanjiang_industry_bureau)
    assert uri.startswith("data:image/png;base64,")
    pdf = HTML(string=f'<img src="{uri}" style="width:40mm">').write_pdf()
    assert b"/Subtype /Image" in pdf or b"/Image" in pdf


def test_admin_shows_keys_read_only_and_never_the_private_key(client, cast, hanjiang_industry_bureau):
    key = seal_key_for(hanjiang_industry_bureau)
    client.force_login(cast.admin)
    assert key.key_id in client.get("/admin/seals/sealkey/").content.decode()
    page = client.get(f"/admin/seals/sealkey/{key.pk}/change/").content.decode()
    assert key.public_key in page and "data:image/png;base64," in page
    assert key.private_key_encrypted not in page
    assert client.post(f"/admin/seals/sealkey/{key.pk}/delete/").status_code == 403


@pytest.mark.parametrize("master", ["short", "same-as-secret"])
def test_production_refuses_a_weak_master_key(settings, master):
    from shenbao.checks import seal_master_key_check

    settings.SHENBAO_ENV = "production"
    settings.SECRET_KEY = "a-Very-long-production-secret-key-0123456789-abcdefghijklmnop"
    settings.SEAL_MASTER_KEY = settings.SECRET_KEY if master == "same-as-secret" else "short"
    assert [error.id for error in seal_master_key_check()] == ["shenbao.E004"]
    settings.SEAL_MASTER_KEY = "another-long-random-seal-master-key-0123456789"
    assert seal_master_key_check() == []
