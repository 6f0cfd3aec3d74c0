"""Builders shared by the applications core tests (profiles, calls, complete applications)."""

import copy
import itertools

from stdnum.cn import uscc as _uscc

from applications import services
from applications.demo import DEMONSTRATION_DATA, NEW_PRODUCT_DATA, attach_all_materials
from applications.forms import Group, Matrix, Table
from enterprises.models import Declaration
from enterprises.services import profile_save
from tests.factories import CallFactory

_serial = itertools.count(1)


def valid_uscc(region="321003"):
    body = f"91{region}{next(_serial):09d}"
    return body + _uscc.calc_check_digit(body)


def make_profile(user, *, region="321003", **overrides):
    data = {
        "name": user.organisation.name,
        "legal_representative": "张三",
        "contact_person": "李四",
        "mobile": "13800000000",
        "email": "",
        "registered_region": region,
        "tax_region": region,
        "established_on": __import__("datetime").date(2012, 3, 1),
        "independent_legal_person": True,
        "industry": "industry",
        "employees": 80,
        "revenue_yuan": __import__("decimal").Decimal("15000000.00"),
        "assets_yuan": __import__("decimal").Decimal("9000000.00"),
    }
    data.update(overrides)
    declarations = {k: True for k in Declaration.Kind.values}
    return profile_save(
        organisation=user.organisation, data=data, declarations=declarations, actor=user, uscc=valid_uscc(region)
    )


def demonstration_data():
    return copy.deepcopy(DEMONSTRATION_DATA)


def new_product_data():
    return copy.deepcopy(NEW_PRODUCT_DATA)


def make_call(**kwargs):
    return CallFactory(**kwargs)


def draft(user, call, code="demonstration", data=None):
    category = call.categories.get(code=code)
    application = services.application_create(call=call, category=category, actor=user)
    if data is not None:
        application, _errors = services.application_save_draft(
            application=application, data=data, version=application.version, actor=user
        )
    return application


def complete(user, call, code="demonstration", *, region="321003", with_profile=True):
    """A complete, eligible draft with every material attached (and the enterprise profile)."""
    from programmes.demo import ensure_categories

    ensure_categories(call)
    if with_profile and not hasattr(user.organisation, "profile"):
        make_profile(user, region=region)
    data = demonstration_data() if code == "demonstration" else new_product_data()
    application = draft(user, call, code, data)
    attach_all_materials(application, user)
    return application


def as_post(definition, data):
    """Form data -> the page's field names (the inverse of forms.parse_post)."""
    post = {}
    for item in definition.items:
        value = data.get(item.key)
        if isinstance(item, Table):
            for i, row in enumerate(value or []):
                for col in item.columns:
                    post[f"{item.key}.{i}.{col.key}"] = str(row.get(col.key, ""))
        elif isinstance(item, Group):
            for f in item.fields:
                post[f"{item.key}.{f.key}"] = str((value or {}).get(f.key, ""))
        elif isinstance(item, Matrix):
            for code, *_rest in item.rows:
                for col in item.columns:
                    post[f"{item.key}.{code}.{col.key}"] = str(((value or {}).get(code) or {}).get(col.key, ""))
        elif item.kind == "bool":
            post[item.key] = {True: "true", False: "false"}.get(value, "")
        else:
            post[item.key] = value or ""
    return post
