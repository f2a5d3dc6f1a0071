"""Rescue-station follow-up (handover → acceptance receipt → follow-ups, 屡救屡返) and guardians' consents
with expiry; the supervision checks that keep them from being forgotten."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from child_care import services
from child_care.models import FollowUp
from core import supervision
from core.exceptions import TransitionRefused
from core.models import Finding
from tests.factories.child_care import adult, named_child, roster_file

pytestmark = pytest.mark.django_db


def _id(person):
    return str(person.id_number.reveal_unchecked())


def test_a_handover_is_accepted_with_a_receipt_and_schedules_the_follow_ups(world, cc):
    kid = named_child(world.community_a, "周小航", datetime.date(2010, 4, 4))
    case = services.hand_over_rescue(actor=cc.supervisor_a, id_number=_id(kid), station="蚌埠市救助管理站",
                                     found_on=datetime.date(2024, 5, 1))
    assert case.status == "handed_over" and case.area == kid.area and not case.repeat
    services.accept_rescue(actor=cc.director_a, case=case)
    case.refresh_from_db()
    assert case.receipt.startswith("JS") and case.accepted_by == cc.director_a
    parties = sorted(case.follow_ups.values_list("party", flat=True))
    assert parties == ["family", "family", "family", "family", "school", "village"]
    with pytest.raises(TransitionRefused):
        services.accept_rescue(actor=cc.director_a, case=case)


def test_a_child_found_again_at_a_station_is_flagged(world, cc):
    kid = named_child(world.community_a, "周小航", datetime.date(2010, 4, 4))
    services.hand_over_rescue(actor=None, id_number=_id(kid), station="蚌埠市救助管理站", found_on=datetime.date(2023, 1, 1))
    again = services.hand_over_rescue(actor=None, id_number=_id(kid), station="合肥市救助管理站",
                                      found_on=datetime.date(2024, 6, 1))
    assert again.repeat


def test_a_handover_names_a_valid_id_and_a_known_child(world, cc):
    with pytest.raises(ValidationError, match="check digit|校验"):
        services.hand_over_rescue(actor=cc.director_a, id_number="340302201004040010", station="救助站",
                                  found_on=datetime.date(2024, 5, 1))
    other = named_child(world.village_b, "钱小军", datetime.date(2011, 1, 1))
    with pytest.raises(ValidationError, match="registry|登记|台账"):
        services.hand_over_rescue(actor=cc.director_a, id_number=_id(other), station="救助站",
                                  found_on=datetime.date(2024, 5, 1))


def test_the_last_follow_up_closes_the_case_and_a_late_one_raises_a_finding(world, cc):
    kid = named_child(world.community_a, "周小航", datetime.date(2010, 4, 4))
    case = services.hand_over_rescue(actor=None, id_number=_id(kid), station="救助站", found_on=datetime.date(2024, 5, 1))
    services.accept_rescue(actor=cc.director_a, case=case)
    first = case.follow_ups.order_by("due_on").first()
    supervision.run_all(today=first.due_on + datetime.timedelta(days=1), only=["child_care.rescue_follow_up_overdue"])
    assert Finding.objects.inbox(cc.director_a).filter(rule="child_care.rescue_follow_up_overdue").exists()
    with pytest.raises(ValidationError):
        services.record_follow_up(actor=cc.director_a, follow_up=first, done_on=datetime.date.today(), findings=" ")
    for follow_up in FollowUp.objects.filter(case=case):
        services.record_follow_up(actor=cc.director_a, follow_up=follow_up, done_on=datetime.date.today(),
                                  findings="已返校，监护到位")
    case.refresh_from_db()
    assert case.status == "closed"


def _family(world):
    kid = named_child(world.community_a, "吴小雨", datetime.date(2016, 2, 2), male=False)
    mum = adult(world.community_a, name="吴母")
    services.link_relative(actor=None, child=kid, relative=mum, relation="mother")
    return kid, mum


def test_a_consent_comes_from_a_linked_guardian_and_expires(world, cc):
    kid, mum = _family(world)
    stranger = adult(world.community_a, name="路人", born=datetime.date(1970, 1, 1))
    with pytest.raises(ValidationError, match="linked|关联"):
        services.record_consent(actor=cc.director_a, person=kid, guardian=stranger, purpose="registry",
                                given_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="three years|三年"):
        services.record_consent(actor=cc.director_a, person=kid, guardian=mum, purpose="registry",
                                given_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2025, 1, 1))
    consent = services.record_consent(actor=cc.director_a, person=kid, guardian=mum, purpose="registry",
                                      given_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2025, 1, 1))
    assert consent.in_force_on(datetime.date(2024, 12, 31)) and not consent.in_force_on(datetime.date(2025, 1, 1))
    supervision.run_all(today=datetime.date(2024, 12, 10), only=["child_care.consent_expiring"])
    assert Finding.objects.inbox(cc.director_a).filter(rule="child_care.consent_expiring").exists()
    services.withdraw_consent(actor=cc.director_a, consent=consent, withdrawn_on=datetime.date(2024, 6, 1),
                              reason="母亲书面撤回")
    consent.refresh_from_db()
    assert not consent.in_force_on(datetime.date(2024, 7, 1))
    with pytest.raises(TransitionRefused):
        services.withdraw_consent(actor=cc.director_a, consent=consent, reason="再次")


def test_an_undecided_roster_dropout_is_a_serious_finding_in_the_village_inbox(world, cc):
    kid = named_child(world.community_a, "李娜", datetime.date(2013, 5, 1), male=False)
    roster = services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=roster_file([
        {"姓名": "李娜", "身份证号": _id(kid), "出生日期": "2013-05-01", "性别": "女", "当前状态": "退学",
         "户籍地区划代码": world.community_a.code}]))
    services.reconcile_roster(actor=cc.supervisor_a, roster=roster)
    # An ID match with a difference is decided into proposals at once; the not-in-school and unknown
    # buckets and name matches wait for a person.
    other = named_child(world.community_a, "赵磊", datetime.date(2013, 1, 1))
    roster2 = services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=roster_file([
        {"姓名": "赵蕾", "出生日期": "2013-01-01", "性别": "男", "当前状态": "辍学",
         "户籍地区划代码": world.community_a.code}]))
    services.reconcile_roster(actor=cc.supervisor_a, roster=roster2)
    supervision.run_all(only=["child_care.roster_conflict"])
    finding = Finding.objects.get(rule="child_care.roster_conflict", target_id=str(roster2.entries.get(person=other).pk))
    assert finding.severity == "serious" and "控辍保学" in finding.title
    assert Finding.objects.inbox(cc.director_a).filter(pk=finding.pk).exists()
