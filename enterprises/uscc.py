"""统一社会信用代码 (GB 32100-2015) validation with a Chinese message saying what is wrong."""

from django.utils.translation import gettext as _
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError


class InvalidCreditCode(ValueError):
    def __init__(self, message, reason):
        super().__init__(message)
        self.message = message
        self.reason = reason  # length | format | checksum | component


# Fast path for the common case (an already compact, valid code): the same alphabet, weights and check as
# stdnum.cn.uscc (GB 32100-2015), without stdnum's per-character cleaning, which costs ~40 µs a call.
# Anything that does not pass it goes through stdnum, which decides and says why;
# tests/enterprises/test_uscc.py checks that both agree.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DIGITS = frozenset("0123456789")


def _fast_valid(code: str) -> bool:
    if len(code) != 18 or not _DIGITS.issuperset(code[:8]):
        return False
    try:
        total = sum(_VALUE[c] * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
        return _VALUE[code[17]] == (31 - total % 31) % 31
    except KeyError:
        return False


def normalise(value: str) -> str:
    """Validate and return the compact upper-case code; raise InvalidCreditCode with a Chinese message."""
    value = (value or "").strip()
    quick = value.upper()
    if _fast_valid(quick):
        return quick
    if not value:
        raise InvalidCreditCode(_("请填写统一社会信用代码。"), "length")
    compact = _uscc.compact(value)
    try:
        return _uscc.validate(compact)
    except InvalidLength:
        raise InvalidCreditCode(
            _("统一社会信用代码应为18位，当前为%(n)s位。") % {"n": len(compact)}, "length"
        ) from None
    except InvalidFormat:
        raise InvalidCreditCode(
            _("统一社会信用代码格式不正确：前8位应为数字，其余只能是数字或大写字母（不含I、O、S、V、Z）。"), "format"
        ) from None
    except InvalidChecksum:
        raise InvalidCreditCode(
            _("统一社会信用代码的校验位（第18位）不正确，请逐位核对营业执照上的代码。"), "checksum"
        ) from None
    except (InvalidComponent, ValidationError):
        raise InvalidCreditCode(_("统一社会信用代码无效。"), "component") from None


def with_check_character(first17: str) -> str:
    """The full 18-character code for 17 given characters (for demo data and tests)."""
    return first17 + _uscc.calc_check_digit(first17)


# ---------------------------------------------------------------------------------------------------------
# The registering authority inside the code (GB 32100-2015 positions 3–8, a GB/T 2260 region code)

YANGZHOU_PREFIX = "3210"  # 321000 扬州市 and its county-level units (3210xx)


def registration_authority_region(code: str) -> str | None:
    """The 6-digit region code of the authority that first registered the enterprise (positions 3–8), or
    None when ``code`` is not a compact code with digits there. Where the enterprise was first registered,
    not proof of where it is now (../shared/docs/domain.md §3)."""
    region = (code or "").strip().upper()[2:8]
    return region if len(region) == 6 and region.isdigit() else None


def outside_yangzhou_hint(code: str, *, for_reviewer: bool = False) -> str | None:
    """A non-blocking hint when the code was issued outside Yangzhou (positions 3–8 not 3210xx), else None.

    Enterprises that moved to Yangzhou keep their code, so this is a reason to check the registered and tax
    units the enterprise gave, not a refusal: the eligibility rule reads those units, not the code. Shown on
    registration and on the profile page; ``for_reviewer=True`` words it for the county reviewer (template
    filter ``{% load enterprise_tags %}{{ uscc|outside_yangzhou_hint:"reviewer" }}``).
    """
    region = registration_authority_region(code)
    if region is None or region.startswith(YANGZHOU_PREFIX):
        return None
    if for_reviewer:
        return _(
            "统一社会信用代码第3—8位（登记机关行政区划代码）为 %(region)s，不在扬州市（3210xx）：企业可能由外地"
            "迁入（迁入后信用代码不变），请核对其注册地和纳税地是否确在扬州市境内。"
        ) % {"region": region}
    return _(
        "统一社会信用代码第3—8位（登记机关行政区划代码）为 %(region)s，不在扬州市（3210xx）。企业迁入扬州后"
        "信用代码不变，如属这种情况可以继续；请确认注册地和纳税地填写的是现在的登记机关和纳税所在地。"
    ) % {"region": region}
