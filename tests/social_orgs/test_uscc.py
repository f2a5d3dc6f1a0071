import pytest
from django.core.exceptions import ValidationError

from social_orgs import services
from social_orgs.choices import OrgType
from social_orgs.uscc import make_uscc, uscc_problem, validate_uscc

pytestmark = pytest.mark.django_db


def test_a_published_code_and_a_civil_affairs_code_are_valid():
    assert uscc_problem("91110108551385082Q") is None
    assert uscc_problem("51440300MJL000016M", OrgType.GROUP) is None
    assert validate_uscc(make_uscc(OrgType.FOUNDATION, "340302", "MJ000123"), OrgType.FOUNDATION)


def test_a_wrong_check_character_is_refused_with_its_reason():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("51440300MJL000016N", OrgType.GROUP)
    assert "check character" in exc.value.message_dict["uscc"][0]


def test_a_wrong_embedded_organisation_code_check_digit_is_refused():
    from stdnum.cn import uscc

    s17 = "51440300MJL000017"  # 17th character wrong, the 18th recomputed to match
    code = s17 + uscc.calc_check_digit(s17)
    assert "organisation code" in uscc_problem(code)


def test_a_code_of_another_type_or_department_is_refused():
    assert "second character" in uscc_problem(make_uscc(OrgType.SERVICE, "340302", "MJ000001"), OrgType.GROUP)
    assert "begins with 5" in uscc_problem("91110108551385082Q", OrgType.GROUP)


def test_a_legal_legacy_code_passes_only_once_allow_listed_with_a_reason():
    legacy = "91350100M0001TGQXM"  # Xiamen pilot code: fails the checksum, yet legal
    with pytest.raises(ValidationError):
        validate_uscc(legacy)
    with pytest.raises(ValidationError):
        services.allow_legacy_code(actor=None, code=legacy, reason="")
    services.allow_legacy_code(actor=None, code=legacy, reason="厦门商事登记改革试点赋码，合法有效")
    assert validate_uscc(legacy) == legacy
