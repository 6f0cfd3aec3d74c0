"""The dossier zip: every part present, the manifest's SHA-256s match the files, city officers only, audited."""

import hashlib
import io
import json
import zipfile

import pytest

from applications.models import Material
from audit.models import Event
from tests.reviews.batch_helpers import assembled, recommended_in_unit, sealed


@pytest.fixture
def in_sealed_batch(cast):
    (application,) = recommended_in_unit(cast, 1)
    batch = sealed(cast, assembled(cast, [application]))
    application.refresh_from_db()
    return application, batch


def _zip(client, user, application):
    client.force_login(user)
    return client.get(f"/api/v1/applications/{application.pk}/dossier.zip")


@pytest.mark.django_db
def test_dossier_lists_every_file_with_its_sha256(client, cast, in_sealed_batch):
    application, batch = in_sealed_batch
    response = _zip(client, cast.city_officer, application)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["receipt_no"] == application.receipt_no
    names = set(archive.namelist()) - {"manifest.json"}
    assert {f["path"] for f in manifest["files"]} == names
    for entry in manifest["files"]:
        data = archive.read(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert len(data) == entry["size"]
    assert {
        "snapshots/v1.json",
        "application.pdf",
        "opinions.json",
        "city_checks.json",
        "scores.json",
        "audit.json",
    } <= names
    assert archive.read("application.pdf").startswith(b"%PDF")
    snapshot = application.snapshots.get(version=1)
    assert archive.read("snapshots/v1.json").decode() == snapshot.canonical_json
    materials = [f for f in manifest["files"] if f["path"].startswith("materials/")]
    assert len(materials) == Material.all_versions.filter(application=application).count() > 0
    assert all(f["sha256"] == f["recorded_sha256"] for f in materials)  # the stored bytes are the uploaded ones
    opinions = json.loads(archive.read("opinions.json"))
    assert {o["bureau"] for o in opinions} == {"industry", "finance"}
    batch_files = [n for n in names if n.startswith(f"batches/{batch.pk}-")]
    assert any(n.endswith("batch.json") for n in batch_files) and any(".pdf" in n for n in batch_files)
    seals = json.loads(archive.read(next(n for n in batch_files if n.endswith("batch.json"))))["seals"]
    assert {s["bureau"] for s in seals} == {"industry", "finance"}
    audit = json.loads(archive.read("audit.json"))
    assert any(e["to"] == "submitted" for e in audit) and any(e["to"] == "recommended" for e in audit)
    event = Event.objects.get(action="export.dossier")
    assert event.object_id == str(application.pk) and event.data["files"] == len(manifest["files"])


@pytest.mark.django_db
def test_a_tampered_file_would_not_match_its_manifest_hash(client, cast, in_sealed_batch):
    application, _batch = in_sealed_batch
    archive = zipfile.ZipFile(io.BytesIO(b"".join(_zip(client, cast.city_officer, application).streaming_content)))
    entry = json.loads(archive.read("manifest.json"))["files"][0]
    assert hashlib.sha256(archive.read(entry["path"]) + b"x").hexdigest() != entry["sha256"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["enterprise_a", "hanjiang_industry", "expert", "admin"])
def test_only_city_officers_get_the_dossier(client, cast, in_sealed_batch, who):
    application, _batch = in_sealed_batch
    assert _zip(client, getattr(cast, who), application).status_code == 403
    assert not Event.objects.filter(action="export.dossier").exists()


@pytest.mark.django_db
def test_unknown_application_is_404(client, cast):
    client.force_login(cast.city_officer)
    assert client.get("/api/v1/applications/999999/dossier.zip").status_code == 404


@pytest.mark.django_db
def test_a_draft_never_submitted_is_not_the_citys_404(client, cast):
    from tests.applications.core_helpers import complete, make_call

    application = complete(cast.enterprise_a, make_call(), "demonstration")
    assert _zip(client, cast.city_officer, application).status_code == 404
    assert not Event.objects.filter(action="export.dossier").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "shown"), [("city_officer", True), ("hanjiang_industry", False), ("admin", False)])
def test_the_review_page_links_the_dossier_for_whom_the_endpoint_serves(client, cast, in_sealed_batch, who, shown):
    from applications.rules import allowed

    application, _batch = in_sealed_batch
    user = getattr(cast, who)
    client.force_login(user)
    response = client.get(f"/review/applications/{application.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    link = f'href="/api/v1/applications/{application.pk}/dossier.zip"'
    assert (link in html) is shown and ("下载完整档案（zip）" in html) is shown
    assert allowed(user, "reports.export_dossier", application) is shown  # the page and the endpoint: one rule
    assert (_zip(client, user, application).status_code == 200) is shown
