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
