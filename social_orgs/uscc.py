"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015) of a social organisation.

``validate_uscc`` belongs in core (volunteer teams store an unchecked ``organisation_uscc`` too);
it lives here until core takes it. Checks: python-stdnum ``cn.uscc`` (length, characters, the
mod-31 check character), the embedded organisation code's GB 11714 check digit (position 17),
and, for a registered type, that the code was issued by civil affairs (5) for that type
(1 社会团体, 2 社会服务机构, 3 基金会). Legal legacy codes that fail a check are accepted only
when they are on the allow-list (``UsccAllowance``) with a reason.
"""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

from .choices import USCC_CATEGORY

_ORG_CODE_SET = string.digits + string.ascii_uppercase
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(body8: str) -> str:
    """GB 11714 check digit of the first 8 characters of an organisation code."""
    total = sum(_ORG_CODE_SET.index(c) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    digit = 11 - total % 11
    return {10: "X", 11: "0"}.get(digit, str(digit))


def make_uscc(org_type: str, area6: str, body8: str) -> str:
    """A well-formed civil-affairs USCC (demo data and tests)."""
    s17 = f"5{USCC_CATEGORY[org_type]}{area6}{body8}{organisation_code_check(body8)}"
    return s17 + stdnum_uscc.calc_check_digit(s17)


def uscc_problem(value: str, org_type: str | None = None) -> str | None:
    """Why ``value`` is not an acceptable USCC (of ``org_type``), or None."""
    try:
        number = stdnum_uscc.validate(value)
    except stdnum_exceptions.InvalidLength:
        return _("A unified social credit code has 18 characters.")
    except stdnum_exceptions.InvalidChecksum:
        return _("The check character (the 18th) is wrong.")
    except stdnum_exceptions.ValidationError:
        return _("The code contains characters a unified social credit code cannot have.")
    body = number[8:16]
    if any(c not in _ORG_CODE_SET for c in number[8:17]) or organisation_code_check(body) != number[16]:
        return _("The check digit of the embedded organisation code (the 17th character) is wrong.")
    if org_type is not None:
        expected = USCC_CATEGORY.get(org_type)
        if number[0] != "5":
            return _("A social organisation's code is issued by civil affairs and begins with 5.")
        if expected and number[1] != expected:
            return _("The code's second character says another type of organisation (expected %(c)s).") % {
                "c": expected}
    return None


def compact(value: str) -> str:
    return stdnum_uscc.compact(value or "")


def validate_uscc(value: str, org_type: str | None = None, *, field: str = "uscc") -> str:
    """The compact code, or ValidationError on ``field``; allow-listed legacy codes pass."""
    from .models import UsccAllowance

    number = compact(value)
    problem = uscc_problem(number, org_type)
    if problem and not UsccAllowance.objects.filter(code=number).exists():
        raise ValidationError({field: problem})
    return number
