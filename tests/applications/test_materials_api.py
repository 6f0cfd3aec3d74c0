"""API of the materials checklist, through HTTP with real multipart bodies."""

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.material_samples import ofd_bytes, pdf_bytes
from applications.models import Material
from tests.applications import test_materials as base
from tests.applications.test_materials import EXE, PNG, item_of, pdf_js_open_action, stored_files, submit_directly

# The fixtures of the service tests, shared.
private_media = base.private_media
call = base.call
application = base.application


def url(application, suffix=""):
    return f"/api/v1/applications/{application.pk}/materials{suffix}"


def post_file(client, application, headers, item="business_licence", name="营业执照.pdf", content=None):
    data = {"file": SimpleUploadedFile(name, pdf_bytes() if content is None else content)}
    if item is not None:
        data["item"] = item
    return client.post(url(application), data, **headers)


@pytest.fixture
def owner(cast, api_token):
    return api_token(cast.enterprise_a)


def test_upload_returns_the_material(client, application, owner):
    content = pdf_bytes("营业执照")
    response = post_file(client, application, owner, content=content)
    assert response.status_code == 201, response.content
    body = response.json()
    material = Material.objects.get()
    assert body == {
        "id": material.pk,
        "item": material.item_id,
        "item_code": "business_licence",
        "item_name": "企业法人营业执照复印件",
        "filename": "营业执照.pdf",
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_at": body["uploaded_at"],
        "download_url": f"/api/v1/applications/{application.pk}/materials/{material.pk}/file",
    }


def test_item_may_be_given_by_id(client, application, owner):
    item = item_of(application, "results_evidence")
    response = post_file(client, application, owner, item=str(item.pk), name="电子证照.ofd", content=ofd_bytes())
    assert response.status_code == 201
    assert response.json()["item_code"] == "results_evidence"
    assert response.json()["content_type"] == "application/ofd"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("report.pdf", EXE, "无法识别的文件类型"),
        ("form.pdf", pdf_js_open_action(), "JavaScript"),
        ("申" * 196 + ".pdf", pdf_bytes(), "100 个字符"),
    ],
)
def test_refused_files_are_422_with_a_chinese_message(
    client, application, owner, private_media, name, content, fragment
):
    response = post_file(client, application, owner, name=name, content=content)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "file" and fragment in error["message"]
    assert not Material.objects.exists() and stored_files(private_media) == []


@pytest.mark.parametrize("name", ["..\\..\\x.pdf", "../../x.pdf", "C:\\Users\\x.pdf"])
def test_path_in_a_multipart_filename_is_stripped_to_its_last_part(client, application, owner, private_media, name):
    # Django's multipart parser keeps only the last path component; the service refuses any that remain.
    response = post_file(client, application, owner, name=name)
    assert response.status_code == 201
    assert response.json()["filename"] == "x.pdf"
    assert all(".." not in str(p) for p in stored_files(private_media))


def test_over_the_limit_is_422_naming_the_limit(client, application, owner):
    item_of(application, "business_licence").__class__.objects.filter(
        pk=item_of(application, "business_licence").pk
    ).update(max_size_bytes=2048)
    response = post_file(client, application, owner, content=pdf_bytes(lines=["y" * 4000]))
    assert response.status_code == 422
    assert "上限 2 KB" in response.json()["errors"][0]["message"]


def test_wrong_type_for_the_item_is_422(client, application, owner):
    item = item_of(application, "application_form")
    item.allowed_types = "pdf"
    item.save()
    response = post_file(client, application, owner, item="application_form", name="a.png", content=PNG)
    assert response.status_code == 422
    assert "只接受 PDF 格式" in response.json()["errors"][0]["message"]


def test_missing_item_or_file_is_422(client, application, owner):
    response = post_file(client, application, owner, item=None)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "item"
    response = post_file(client, application, owner, item="no_such_item")
    assert response.status_code == 422 and "no_such_item" in response.json()["errors"][0]["message"]
    response = client.post(url(application), {"item": "business_licence"}, **owner)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"


def test_another_enterprise_gets_404(client, cast, application, api_token, private_media):
    response = post_file(client, application, api_token(cast.enterprise_b))
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "对象不存在或无权查看。"
    assert stored_files(private_media) == []


def test_anonymous_gets_401(client, application):
    assert post_file(client, application, {}).status_code == 401


def test_reviewer_sees_but_may_not_upload(client, cast, application, owner, api_token):
    material_id = post_file(client, application, owner).json()["id"]
    submit_directly(application, region="321003")
    reviewer = api_token(cast.hanjiang_industry)
    assert post_file(client, application, reviewer).status_code == 403
    assert client.get(url(application, f"/{material_id}/file"), **reviewer).status_code == 200
    assert client.delete(url(application, f"/{material_id}"), **reviewer).status_code == 403


def test_not_editable_is_409(client, application, owner):
    material_id = post_file(client, application, owner).json()["id"]
    submit_directly(application)
    response = post_file(client, application, owner)
    assert response.status_code == 409
    assert "已提交" in response.json()["errors"][0]["message"]
    assert client.delete(url(application, f"/{material_id}"), **owner).status_code == 409
    assert Material.objects.count() == 1


def test_replace_then_delete(client, application, owner, private_media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_file(client, application, owner, name="旧.pdf").json()
        second = post_file(client, application, owner, name="新.pdf", content=pdf_bytes("new")).json()
    listing = client.get(url(application), **owner).json()
    assert [m["id"] for m in listing] == [second["id"]]
    assert len(stored_files(private_media)) == 1
    assert client.delete(url(application, f"/{first['id']}"), **owner).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(url(application, f"/{second['id']}"), **owner)
    assert response.status_code == 204
    assert client.get(url(application), **owner).json() == []
    assert stored_files(private_media) == []


def test_download_through_the_api(client, cast, application, owner, api_token):
    content = pdf_bytes("下载")
    material = post_file(client, application, owner, name="下载.pdf", content=content).json()
    response = client.get(material["download_url"], **owner)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(material["download_url"], **api_token(cast.enterprise_b)).status_code == 404
    assert client.get(material["download_url"]).status_code == 401


def test_application_of_a_listing_is_isolated(client, cast, application, owner, api_token):
    post_file(client, application, owner)
    assert client.get(url(application), **api_token(cast.enterprise_b)).status_code == 404


def test_upload_is_documented_as_multipart(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/applications/{application_id}/materials"]["post"]
    assert set(operation["requestBody"]["content"]["multipart/form-data"]["schema"]["required"]) == {"item", "file"}


def test_hand_built_multipart_body(client, cast, application, owner):
    """A multipart body written byte by byte, as an external client sends it, through Django's parser.

    (Not over live_server: a transactional live_server test ahead of the browser tests leaves them without
    the migrated regions; see the report.)"""
    content = pdf_bytes("真实上传")
    boundary = uuid.uuid4().hex

    def send(file_content, filename):
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\nbusiness_licence\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
            + file_content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return client.generic(
            "POST", url(application), body, content_type=f"multipart/form-data; boundary={boundary}", **owner
        )

    response = send(content, "执照.pdf")
    assert response.status_code == 201 and response.json()["sha256"] == hashlib.sha256(content).hexdigest()
    assert response.json()["filename"] == "执照.pdf"
    response = send(EXE, "setup.pdf")
    assert response.status_code == 422 and "无法识别" in response.json()["errors"][0]["message"]
    # Django strips a path from the filename; what is stored is only the last part.
    response = send(content, "../../etc/passwd.pdf")
    assert response.status_code == 201 and response.json()["filename"] == "passwd.pdf"
    assert Material.objects.filter(application=application).count() == 1
