"""What the experts read when the call is anonymised: the application without the applicant's identity (pure).

The identity the system knows — the enterprise's names (as registered and on its profile), its credit code, its
address, the people named in the profile (legal representative, contact person) and in the form's person fields
(an IP owner, a project leader…), their mobile numbers, phones and emails — is replaced by `PLACEHOLDER` in every
text value of the form. A name is looked for in its short forms too (`name_forms`): without the organisation form
(有限公司, 股份有限公司, 有限责任公司…), without the region in front of it (扬州, 扬州市, 江苏, a county such as 邗江 or
邗江区, also in brackets: 甲企业（邗江）有限公司) and, when something of two characters or more is left, the trade
name alone, without the industry words at its end (扬州广陵云联信息科技有限公司 → 云联). Any mobile number or email
address in a text is hidden as well, whoever's it is. Longer secrets are replaced first, so a short form never
leaves half a name behind. No ORM: the caller gives the facts (evaluation.selectors.application_for_expert).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

PLACEHOLDER = "※※※"
MIN_SECRET = 2  # one character would blank every occurrence of a common character

# The organisation forms at the end of an enterprise name, longest first (stripped repeatedly: 集团有限公司).
ORGANISATION_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "合伙企业",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "厂",
)
# Regions that may stand in front of a name besides the county-level units the caller passes.
REGION_PREFIXES = ("中国", "江苏省", "江苏", "扬州市", "扬州")
# Industry words at the end of a trade name (字号 + 行业 + 组织形式), stripped repeatedly to find the 字号.
INDUSTRY_WORDS = (
    "信息科技", "信息技术", "网络科技", "智能科技", "电子商务", "电子科技", "软件技术", "自动化", "新材料", "新能源",
    "科技", "技术", "信息", "网络", "电子", "软件", "智能", "智造", "数字", "数据", "实业", "贸易", "商贸", "工贸",
    "机械", "机电", "制造", "工程", "设备", "装备", "电器", "电气", "电力", "光电", "材料", "化工", "食品", "服饰",
    "服装", "纺织", "印刷", "包装", "建设", "建材", "环保", "能源", "医药", "医疗", "生物", "汽车", "物流", "精密",
    "照明", "玩具", "家居", "五金", "工具", "塑业", "金属", "船舶", "发展", "控股", "企业", "产业", "工业",
)  # fmt: skip
# The hints that a form field holds a person's (or the right holder's) name: its key or its Chinese label.
PERSON_KEY_HINTS = ("owner", "person", "representative", "contact", "leader", "manager", "inventor", "signatory")
PERSON_LABEL_HINTS = (
    "姓名",
    "联系人",
    "负责人",
    "法定代表人",
    "法人代表",
    "权利人",
    "发明人",
    "设计人",
    "签字人",
    "经办人",
)

MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?\Z")  # a money or count value: never a mobile number
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_DIGITS_ONLY = re.compile(r"\D")


@dataclass(frozen=True)
class Identity:
    """What identifies an applicant. `names`: the enterprise's names; `codes`: its credit codes; `people`: the
    people's names; `contacts`: mobiles, phones, emails, the address (each hidden as written)."""

    names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    regions: tuple[str, ...] = field(default=())  # the county-level units' names (邗江区…), for the short forms


def region_forms(regions: Iterable[str]) -> list[str]:
    """Each region's name and, for a three-character county, district or city name, its short form (邗江区 → 邗江),
    with the defaults REGION_PREFIXES; longest first."""
    forms = set(REGION_PREFIXES)
    for name in regions:
        name = (name or "").strip()
        if not name:
            continue
        forms.add(name)
        if len(name) == 3 and name[-1] in "市区县":
            forms.add(name[:2])
    return sorted(forms, key=len, reverse=True)


def _strip_suffixes(text: str, suffixes) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) - len(suffix) >= MIN_SECRET:
                text, changed = text[: -len(suffix)], True
                break
    return text


def _strip_prefixes(text: str, prefixes) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if text.startswith(prefix) and len(text) - len(prefix) >= MIN_SECRET:
                text, changed = text[len(prefix) :], True
                break
    return text


def name_forms(name: str, *, regions: Iterable[str] = ()) -> set[str]:
    """The ways a text may name the enterprise `name`: as written, without the brackets' contents, without the
    organisation form, without the region in front, both, and the trade name alone (≥ 2 characters)."""
    name = (name or "").strip()
    if len(name) < MIN_SECRET:
        return set()
    prefixes = region_forms(regions)
    forms = {name}
    unbracketed = _BRACKETED.sub("", name).strip()
    for base in {name, unbracketed}:
        bare = _strip_suffixes(base, ORGANISATION_FORMS)
        local = _strip_prefixes(base, prefixes)
        core = _strip_prefixes(bare, prefixes)
        trade = _strip_suffixes(core, INDUSTRY_WORDS)
        forms.update({base, bare, local, core, trade})
    # A "short form" that is only a region or an industry word names nobody: keep it visible.
    generic = set(prefixes) | set(INDUSTRY_WORDS) | set(ORGANISATION_FORMS)
    return {f for f in forms if len(f) >= MIN_SECRET and f not in generic}


def secrets_of(identity: Identity) -> list[str]:
    """Every string to hide, longest first."""
    found: set[str] = set()
    for name in identity.names:
        found |= name_forms(name, regions=identity.regions)
    for value in (*identity.codes, *identity.people, *identity.contacts):
        value = (value or "").strip()
        if len(value) >= MIN_SECRET:
            found.add(value)
    for code in identity.codes:  # a credit code is also written in lower case
        if code and len(code.strip()) >= MIN_SECRET:
            found.add(code.strip().lower())
    return sorted(found, key=lambda s: (-len(s), s))


def _mobiles_of(identity: Identity) -> set[str]:
    return {d for d in (_DIGITS_ONLY.sub("", c or "") for c in identity.contacts) if len(d) >= 7}


def scrub_text(text: str, secrets: list[str], *, numbers: Iterable[str] = ()) -> str:
    """`text` with every secret, every mobile number and email address, and every phone number of `numbers`
    (digits only; matched with spaces or hyphens between them) replaced by PLACEHOLDER."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, PLACEHOLDER)
    if NUMBER.match(text.strip()):
        return text
    text = EMAIL.sub(PLACEHOLDER, text)
    text = MOBILE.sub(PLACEHOLDER, text)
    for digits in numbers:
        pattern = r"(?<!\d)" + r"[\s-]?".join(map(re.escape, digits)) + r"(?!\d)"
        text = re.sub(pattern, PLACEHOLDER, text)
    return text


def scrub(value, secrets: list[str], *, numbers: Iterable[str] = ()):
    """`value` (str, list, dict, anything else) with scrub_text applied to every string inside it."""
    numbers = tuple(numbers)
    if isinstance(value, str):
        return scrub_text(value, secrets, numbers=numbers)
    if isinstance(value, list | tuple):
        return [scrub(v, secrets, numbers=numbers) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets, numbers=numbers) for k, v in value.items()}
    return value


def is_person_field(item) -> bool:
    """A form field (definitions.Field or a table's column) that names a person or a right holder."""
    key = (getattr(item, "key", "") or "").lower()
    label = str(getattr(item, "label", "") or "")
    return any(h in key for h in PERSON_KEY_HINTS) or any(h in label for h in PERSON_LABEL_HINTS)


def person_values(definition, data: dict) -> list[str]:
    """The values of the person fields of `definition` in the form data `data`: plain fields, a table's columns
    (every row) and a group's fields."""
    found = []
    for item in getattr(definition, "items", ()):
        value = (data or {}).get(item.key)
        columns = getattr(item, "columns", None)
        fields = getattr(item, "fields", None)
        if columns is not None and isinstance(value, list):  # a table (a matrix's value is a dict)
            people = [c.key for c in columns if is_person_field(c)]
            found += [row.get(k) for row in value if isinstance(row, dict) for k in people]
        elif fields is not None and isinstance(value, dict):
            found += [value.get(f.key) for f in fields if is_person_field(f)]
        elif columns is None and fields is None and is_person_field(item):
            found.append(value)
    return [v.strip() for v in found if isinstance(v, str) and v.strip()]


def anonymise(value, identity: Identity):
    """`value` (the form, the derived figures…) without the identity: the one call the selector makes."""
    return scrub(value, secrets_of(identity), numbers=_mobiles_of(identity))
