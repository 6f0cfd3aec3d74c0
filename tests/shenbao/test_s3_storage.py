"""Files on real S3 (issue 11 §16): the default storage on django-storages' S3 backend, built by the same
`shenbao.storage.s3_storage` that settings.py uses for STORAGE_BACKEND=s3, against the SeaweedFS server that
`.ci/run` starts (`weed server -s3`). Through HTTP: an enterprise uploads a material, the object lies in the bucket
under its random name and is refused to an anonymous reader, the app serves it to whoever may read it and 404 to
everyone else; the submission's PDF is rendered into the bucket and read back; /readyz checks the bucket.

Without SHENBAO_TEST_S3_ENDPOINT (a developer's machine with no S3 server) the server tests skip; under CI
(CI=true) they fail instead, so CI cannot pass without having run them.
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.demo import attach_all_materials
from applications.material_samples import pdf_bytes
from applications.pdf_cache import pdf_path
from programmes.demo import ensure_categories
from shenbao.storage import s3_storage
from tests.applications.core_helpers import demonstration_data, draft, make_call, make_profile

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT = os.environ.get("SHENBAO_TEST_S3_ENDPOINT", "").rstrip("/")
ACCESS_KEY = os.environ.get("SHENBAO_TEST_S3_ACCESS_KEY", "")
SECRET_KEY = os.environ.get("SHENBAO_TEST_S3_SECRET_KEY", "")
REGION = "us-east-1"


def _require_server():
    if ENDPOINT and ACCESS_KEY and SECRET_KEY:
        return
    reason = (
        "no S3 server: set SHENBAO_TEST_S3_ENDPOINT, SHENBAO_TEST_S3_ACCESS_KEY and SHENBAO_TEST_S3_SECRET_KEY "
        "(.ci/run starts SeaweedFS and sets them)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must test the S3 storage: {reason}")
    pytest.skip(reason)


def s3_client(secret_key=None):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=secret_key or SECRET_KEY,
        region_name=REGION,
    )


@pytest.fixture(scope="module")
def bucket():
    """A bucket of this module's own (every run and xdist worker another), emptied and removed afterwards."""
    _require_server()
    client = s3_client()
    name = f"shenbao-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=name, Delete={"Objects": keys})
    client.delete_bucket(Bucket=name)


def storage_config(bucket_name, *, secret_key=None):
    return s3_storage(
        bucket_name=bucket_name,
        endpoint_url=ENDPOINT,
        access_key=ACCESS_KEY,
        secret_key=secret_key or SECRET_KEY,
        region_name=REGION,
    )


@pytest.fixture
def s3(settings, bucket):
    """The default storage is the bucket, configured as production's (after conftest's local default)."""
    settings.STORAGES = {**settings.STORAGES, "default": storage_config(bucket)}
    settings.SITE_URL = "https://shenbao.example.gov.cn"
    return s3_client()


def keys(client, bucket_name, prefix=""):
    listing = client.list_objects_v2(Bucket=bucket_name, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def anonymous_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db
def test_a_material_on_s3_is_private_and_served_only_through_the_permission_check(
    client, cast, s3, bucket, django_capture_on_commit_callbacks
):
    user = cast.enterprise_a
    call = make_call()
    ensure_categories(call)
    make_profile(user)
    application = draft(user, call, "demonstration", demonstration_data())

    # The enterprise uploads through the page, as a browser does.
    content = pdf_bytes("营业执照（S3）")
    client.force_login(user)
    response = client.post(
        reverse("applications:material_upload", args=[application.pk]),
        {"item": "business_licence", "file": SimpleUploadedFile("营业执照.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302, response.content[:500]
    material = application.materials.get(item__code="business_licence")

    # In the bucket under a random name of the application's folder, never the enterprise's filename.
    key = material.file.name
    assert key.startswith(f"applications/{application.pk}/") and "营业执照" not in key and key.count("/") == 2
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == content
    grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert grants and all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants), grants
    assert not [grant for grant in grants if "URI" in grant["Grantee"]]  # no AllUsers / AuthenticatedUsers
    # Nobody reads the bucket without the keys: not the object, not the listing.
    assert anonymous_status(f"{ENDPOINT}/{bucket}/{key}") == 403
    assert anonymous_status(f"{ENDPOINT}/{bucket}") == 403

    download = reverse("applications:material_download", args=[application.pk, material.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    client.force_login(cast.enterprise_b)
    assert client.get(download).status_code == 404

    # Submitted: the county's reviewers may read it, another county's may not; the PDF goes to the bucket.
    attach_all_materials(application, user)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(application=application, actor=user, declaration=True)
    application.refresh_from_db()
    for reader, status in [
        (cast.hanjiang_industry, 200),
        (cast.guangling_industry, 404),
        (cast.enterprise_b, 404),
        (user, 200),
    ]:
        client.force_login(reader)
        response = client.get(download)
        assert response.status_code == status, reader
        if status == 200:
            assert b"".join(response.streaming_content) == content

    # The render task queued at submission wrote the PDF into the bucket; the page serves those bytes.
    stored_pdf = s3.get_object(Bucket=bucket, Key=pdf_path(application.digest))["Body"].read()
    assert stored_pdf.startswith(b"%PDF-")
    response = client.get(reverse("applications:pdf", args=[application.pk]))
    assert response.status_code == 200 and response.content == stored_pdf
    client.force_login(cast.guangling_industry)
    assert client.get(reverse("applications:pdf", args=[application.pk])).status_code == 404

    # A file missing from the bucket is a 404, never a 500 (the reviewers' copy is gone, not the permission).
    s3.delete_object(Bucket=bucket, Key=key)
    client.force_login(user)
    assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_readyz_checks_the_bucket(client, s3, bucket, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    assert keys(s3, bucket, "health/") == []  # the probe cleaned up after itself

    settings.STORAGES = {**settings.STORAGES, "default": storage_config(bucket, secret_key="not-the-secret")}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"


def test_settings_build_the_s3_storage_with_the_shared_function(tmp_path):
    """STORAGE_BACKEND=s3 in the environment gives exactly the storage the tests above run against."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SHENBAO_ENV"}}
    environment.update(
        STORAGE_BACKEND="s3",
        S3_BUCKET="shenbao-files",
        S3_ENDPOINT_URL="https://s3.example.gov.cn",
        S3_ACCESS_KEY_ID="AKID",
        S3_SECRET_ACCESS_KEY="SECRET",
        S3_REGION="cn-east-1",
        S3_ADDRESSING_STYLE="path",
        SHENBAO_VAR_DIR=str(tmp_path),
    )
    script = "import json; from shenbao import settings; print(json.dumps(settings.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == s3_storage(
        bucket_name="shenbao-files",
        endpoint_url="https://s3.example.gov.cn",
        access_key="AKID",
        secret_key="SECRET",
        region_name="cn-east-1",
        addressing_style="path",
    )
    assert json.loads(result.stdout)["OPTIONS"]["default_acl"] == "private"
