"""Category rules and the proposals they open, on a frozen clock."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from child_care import services
from child_care.choices import Category, DifficultyKind, Hukou, ParentSituation, ProposalRule, ProposalStatus
from child_care.models import CategoryRecord, Proposal
from core.exceptions import NoPermission, TransitionRefused
from tests.factories.child_care import child, left_behind_child, with_parents

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    day = datetime.date(2021, 6, 15)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    return day


def test_a_rural_child_under_16_with_both_parents_away_is_left_behind(world):
    kid, record = left_behind_child(world.community_a)
    assert record.category == Category.LEFT_BEHIND and record.ends_on is None


def test_one_parent_away_and_the_other_unable_to_care_also_counts(world):
    kid = child(world.community_a)
    with_parents(kid, mother=ParentSituation.UNABLE)
    assert services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND,
                                   starts_on=datetime.date(2020, 1, 1), reason="摸底排查")


@pytest.mark.parametrize("born, hukou, mother, words", [
    (datetime.date(2003, 1, 1), Hukou.RURAL, ParentSituation.AWAY, "已满16周岁"),
    (datetime.date(2012, 1, 1), Hukou.URBAN, ParentSituation.AWAY, "不是农村户籍"),
    (datetime.date(2012, 1, 1), Hukou.RURAL, ParentSituation.AT_HOME, "既非父母双方外出"),
])
def test_the_2016_definition_refuses_with_its_reason(world, born, hukou, mother, words):
    kid = child(world.community_a, born=born, hukou=hukou)
    with_parents(kid, mother=mother)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND,
                                starts_on=datetime.date(2020, 1, 1), reason="摸底排查")
    assert words in str(refused.value)


def test_overlapping_records_of_one_category_are_refused(world):
    kid, record = left_behind_child(world.community_a)
    with pytest.raises(TransitionRefused):
        services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND,
                                starts_on=datetime.date(2020, 6, 1), reason="again")
    services.end_category(actor=None, record=record, ends_on=datetime.date(2020, 9, 1), reason="父母返乡")
    with pytest.raises(TransitionRefused):  # still overlaps the ended record's span
        services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND,
                                starts_on=datetime.date(2020, 8, 1), reason="again")
    assert services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND,
                                   starts_on=datetime.date(2020, 9, 1), reason="父母再次外出")


def test_an_ended_record_is_never_rewritten(world):
    _kid, record = left_behind_child(world.community_a)
    services.end_category(actor=None, record=record, ends_on=datetime.date(2020, 9, 1), reason="父母返乡")
    with pytest.raises(TransitionRefused):
        services.end_category(actor=None, record=record, ends_on=datetime.date(2020, 10, 1), reason="again")


def test_a_child_in_difficulty_needs_one_of_the_five_kinds(world):
    kid = child(world.community_a)
    with pytest.raises(ValidationError):
        services.start_category(actor=None, person=kid, category=Category.DIFFICULTY,
                                starts_on=datetime.date(2020, 1, 1), reason="低保家庭")
    assert services.start_category(actor=None, person=kid, category=Category.DIFFICULTY, reason="低保家庭",
                                   starts_on=datetime.date(2020, 1, 1), difficulty_kind=DifficultyKind.FAMILY)


def test_turning_16_proposes_the_end_on_the_birthday_and_nothing_ends_by_itself(world, today):
    kid, record = left_behind_child(world.community_a, born=datetime.date(2005, 6, 1))
    proposals = services.evaluate_rules(person=kid, today=today)
    assert [(p.rule, p.effective_on) for p in proposals] == [(ProposalRule.TURNED_16, datetime.date(2021, 6, 1))]
    record.refresh_from_db()
    assert record.ends_on is None
    assert services.evaluate_rules(person=kid, today=today) == []  # safe to run twice


def test_a_child_born_on_29_february_comes_of_age_on_1_march_in_a_common_year(world):
    kid = child(world.community_a, born=datetime.date(2004, 2, 29), hukou=Hukou.URBAN)
    services.start_category(actor=None, person=kid, category=Category.DIFFICULTY, reason="孤儿",
                            starts_on=datetime.date(2019, 1, 1), difficulty_kind=DifficultyKind.ORPHAN)
    assert services.evaluate_rules(person=kid, today=datetime.date(2022, 2, 28)) == []
    [proposal] = services.evaluate_rules(person=kid, today=datetime.date(2022, 3, 1))
    assert proposal.effective_on == datetime.date(2022, 3, 1)


def test_turning_18_proposes_the_end_of_difficulty(world, today):
    kid = child(world.community_a, born=datetime.date(2003, 5, 20), hukou=Hukou.URBAN)
    services.start_category(actor=None, person=kid, category=Category.DIFFICULTY, reason="孤儿",
                            starts_on=datetime.date(2019, 1, 1), difficulty_kind=DifficultyKind.ORPHAN)
    [proposal] = services.evaluate_rules(person=kid, today=today)
    assert (proposal.rule, proposal.category, proposal.effective_on) == (
        ProposalRule.TURNED_18, Category.DIFFICULTY, datetime.date(2021, 5, 20))


def test_a_parent_returning_proposes_the_end(world, today):
    kid, _record = left_behind_child(world.community_a)
    father = kid.relatives.get(relation="father")
    services.set_situation(actor=None, relationship=father, situation=ParentSituation.AT_HOME)
    assert Proposal.objects.filter(person=kid, rule=ProposalRule.PARENT_RETURNED, effective_on=today).exists()


def test_a_hukou_change_proposes_the_end(world, today):
    kid, _record = left_behind_child(world.community_a)
    services.update_person(actor=None, person=kid, hukou=Hukou.URBAN)
    assert Proposal.objects.filter(person=kid, rule=ProposalRule.HUKOU_CHANGED).exists()


def test_a_child_meeting_the_definition_is_proposed_for_the_register(world, today):
    kid = child(world.community_a)
    with_parents(kid)
    assert Proposal.objects.filter(person=kid, rule=ProposalRule.LEFT_BEHIND_ELIGIBLE,
                                   status=ProposalStatus.PROPOSED).exists()


def test_the_director_confirms_and_the_supervisor_approves_then_the_record_ends(world, cc, today):
    kid, record = left_behind_child(world.community_a, born=datetime.date(2005, 6, 1))
    [proposal] = services.evaluate_rules(person=kid, today=today)
    with pytest.raises(TransitionRefused):  # not before the child director confirmed
        services.approve_proposal(actor=cc.supervisor_a, proposal=proposal)
    services.confirm_proposal(actor=cc.director_a, proposal=proposal)
    with pytest.raises(NoPermission):  # a child director may not approve
        services.approve_proposal(actor=cc.director_a, proposal=proposal)
    services.approve_proposal(actor=cc.supervisor_a, proposal=proposal, note="核实")
    record.refresh_from_db()
    proposal.refresh_from_db()
    assert record.ends_on == datetime.date(2021, 6, 1) and record.ended_by == cc.supervisor_a
    assert (proposal.confirmed_by, proposal.decided_by, proposal.status) == (
        cc.director_a, cc.supervisor_a, ProposalStatus.APPROVED)
    assert CategoryRecord.objects.filter(person=kid).count() == 1  # ended, not replaced


def test_reporting_goes_entry_review_submission_with_who_did_each(world, cc):
    kid = child(world.community_a, actor=cc.director_a)
    with pytest.raises(TransitionRefused):
        services.submit_entry(actor=cc.supervisor_a, person=kid)
    services.review_entry(actor=cc.supervisor_a, person=kid)
    services.submit_entry(actor=cc.supervisor_a, person=kid)
    kid.refresh_from_db()
    assert (kid.entered_by, kid.reviewed_by, kid.submitted_by) == (cc.director_a, cc.supervisor_a, cc.supervisor_a)


def test_birth_date_sex_and_age_come_from_the_id_number(world):
    kid = child(world.community_a, born=datetime.date(2012, 3, 10))
    assert kid.birth_date == datetime.date(2012, 3, 10)
    assert kid.sex in ("male", "female")
    assert kid.age_on(datetime.date(2020, 3, 9)) == 7 and kid.age_on(datetime.date(2020, 3, 10)) == 8


def test_soft_delete_needs_a_reason_and_keeps_the_row(world, cc):
    kid = child(world.community_a)
    with pytest.raises(ValidationError):
        services.delete_person(actor=cc.supervisor_a, person=kid, reason="")
    services.delete_person(actor=cc.supervisor_a, person=kid, reason="重复录入")
    kid.refresh_from_db()
    assert kid.is_deleted and kid.deleted_reason == "重复录入"
