"""The issue's test: the city officer copies the 2018 call to 2019 through the API, an enterprise fills and
submits the 2019 forms with 2018–2019 figures, and the 2018 applications, snapshots and PDFs are unchanged."""

import datetime as dt
import json
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import derived, forms, services
from applications.demo import attach_all_materials
from applications.models import Snapshot
from applications.pdf import render_application_pdf
from tests.applications.core_helpers import complete, demonstration_data, make_profile, new_product_data
from tests.factories import CallFactory

SITE = "http://testserver.example"


def pdf_text(tmp_path, snapshot_row):
    path = tmp_path / f"{snapshot_row.digest}.pdf"
    snapshot = json.loads(snapshot_row.canonical_json)
    path.write_bytes(render_application_pdf(snapshot, verify_url=f"{SITE}/verify/{snapshot_row.digest}"))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", text)


def one_year_later(data):
    """The demo figures moved from 2017–2018 to 2018–2019 (dates, sales years)."""
    text = json.dumps(data, ensure_ascii=False)
    text = re.sub(r'"(201[78])-', lambda m: f'"{int(m.group(1)) + 1}-', text)
    moved = json.loads(text)
    if isinstance(moved.get("sales"), list):  # the demonstration's rows per year
        for row in moved["sales"]:
            row["year"] += 1
    return moved


@pytest.mark.django_db
def test_copy_2018_to_2019_fill_submit_and_2018_unchanged(client, cast, api_token, tmp_path):
    call_2018 = CallFactory(code="yz2018", receipt_prefix="YZ2018", title="2018年度扬州市“互联网+小微企业”项目申报")
    # A submitted 2018 application, its snapshot bytes, digest and PDF text before the 2019 call exists.
    old = complete(cast.enterprise_b, call_2018, "new_product", region="321002")
    old = services.application_submit(application=old, actor=cast.enterprise_b, declaration=True)
    old_snapshot = Snapshot.objects.get(application=old)
    before = (old_snapshot.canonical_json.encode("utf-8"), old_snapshot.digest, pdf_text(tmp_path, old_snapshot))
    # (Narrow header cells wrap: the PDF's reading order keeps the start of each label together.)
    assert "企业2017年度开票销企业2018年度开票销" in before[2] and "8,600,000.00" in before[2]

    # The city officer copies it through the API; the call is open now so that the enterprise can apply.
    now = timezone.now().replace(microsecond=0)
    body = {"year": 2019, "title": "2019年度扬州市“互联网+小微企业”项目申报",
            "opens_at": (now - dt.timedelta(days=1)).isoformat(), "deadline": (now + dt.timedelta(days=30)).isoformat()}  # fmt: skip
    response = client.post(
        f"/api/v1/calls/{call_2018.pk}/copy", body, content_type="application/json", **api_token(cast.city_officer)
    )
    assert response.status_code == 201, response.content
    from programmes.models import Call

    call_2019 = Call.objects.get(pk=response.json()["id"])
    assert call_2019.investment_period_start == dt.date(2018, 1, 1)

    # The 2019 form says 2018年/2019年, in the page and in the published JSON Schema.
    schema = client.get(f"/api/v1/calls/{call_2019.pk}/categories/new_product/form-schema").json()
    sales = schema["properties"]["sales"]["properties"]
    assert sales["enterprise_prev_year_yuan"]["title"] == "企业2018年度开票销售（元）"
    assert sales["enterprise_year_yuan"]["title"] == "企业2019年度开票销售（元）"
    assert sales["product_year_yuan"]["title"] == "新产品（技术）2019年度开票销售（元）"
    assert sales["taxes_year_yuan"]["title"] == "2019年度上缴税金（元）"
    user = cast.enterprise_a
    make_profile(user)
    product = services.application_create(
        call=call_2019, category=call_2019.categories.get(code="new_product"), actor=user
    )
    assert product.form_version.category_id == product.category_id
    client.force_login(user)
    page = client.get(reverse("applications:detail", args=[product.pk])).content.decode()
    assert "企业2018年度开票销售（元）" in page and "2019年度上缴税金（元）" in page and "2017年度" not in page

    # Demonstration: investments of 2018–2019 count, one of 2017 does not (and is reported).
    demo = services.application_create(
        call=call_2019, category=call_2019.categories.get(code="demonstration"), actor=user
    )
    assert [row["year"] for row in demo.data["sales"]] == [2018, 2019]
    data = one_year_later(demonstration_data())
    outside = dict(data["investments"][0], date="2017-12-31", invoice_no="OLD-2017", amount_yuan="900000.00")
    demo, errors = services.application_save_draft(
        application=demo,
        data={**data, "investments": [*data["investments"], outside]},
        version=demo.version,
        actor=user,
    )
    assert [e["field"] for e in errors] == ["investments.4.date"]
    assert "不在本批次投入统计期（2018-01-01 至 2019-12-31）内" in errors[0]["message"]
    figures = derived.demonstration_figures(
        demo.data, period=(call_2019.investment_period_start, call_2019.investment_period_end)
    )
    assert figures["investment_total_yuan"] == "554000.00" and figures["investments_outside_period"] == 1
    assert figures["investment_by_year_yuan"] == {"2018": "336000.00", "2019": "218000.00"}
    demo, errors = services.application_save_draft(application=demo, data=data, version=demo.version, actor=user)
    assert errors == []
    attach_all_materials(demo, user)
    demo = services.application_submit(application=demo, actor=user, declaration=True)
    assert demo.receipt_no.startswith("YZ2019-SF-")

    # New product: the relative keys, 2019 figures, submitted; the snapshot records its form version.
    product_data = one_year_later(new_product_data())
    assert set(product_data["sales"]) == {
        "enterprise_prev_year_yuan", "enterprise_year_yuan", "product_year_yuan", "taxes_year_yuan"
    }  # fmt: skip
    product, errors = services.application_save_draft(
        application=product, data=product_data, version=product.version, actor=user
    )
    assert errors == []
    attach_all_materials(product, user)
    product = services.application_submit(application=product, actor=user, declaration=True)
    frozen = json.loads(Snapshot.objects.get(application=product).canonical_json)
    assert frozen["schema"] == "shenbao.application.v2"
    assert frozen["form_version"] == {"id": product.form_version_id, "version": 1}
    assert frozen["derived"]["product_year_yuan"] == "4300000.00"
    text = pdf_text(tmp_path, Snapshot.objects.get(application=product))
    for start in ("企业2018年度开票销", "企业2019年度开票销", "新产品（新技术）2019年度开", "2019年度上缴税"):
        assert start in text
    assert "8,600,000.00" in text and "2017年度" not in text

    # The 2018 application is untouched: same row, same bytes, same digest, same PDF text.
    old.refresh_from_db()
    old_snapshot = Snapshot.objects.get(application=old)
    assert (
        old_snapshot.canonical_json.encode("utf-8"),
        old_snapshot.digest,
        pdf_text(tmp_path, old_snapshot),
    ) == before
    assert old.digest == before[1]
    assert forms.definition_for_application(old).item("sales").fields[0].label == "企业2017年度开票销售（元）"
