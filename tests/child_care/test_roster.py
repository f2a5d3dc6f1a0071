"""School-roster reconciliation (学籍比对) on a crafted roster: the four buckets, a homophone name, a
traditional-character variant, an ID typo, a dropout alert, and "not the same person" remembered."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from child_care import services
from child_care.choices import Bucket, Category, Decision, MatchMethod, ProposalRule
from child_care.models import Proposal, RosterEntry
from tests.factories.child_care import named_child, roster_file, with_parents

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 9, 10)


def _lb(kid):
    with_parents(kid)
    services.start_category(actor=None, person=kid, category=Category.LEFT_BEHIND, starts_on=datetime.date(2024, 1, 1),
                            reason="摸底排查")
    return kid


def _typo(number):
    """The same ID with a wrong check digit."""
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


@pytest.fixture
def registry(world, cc):
    a = world.community_a
    kids = {
        "zhangwei": _lb(named_child(a, "张伟", datetime.date(2012, 3, 10))),
        "lina": _lb(named_child(a, "李娜", datetime.date(2013, 5, 1), male=False)),
        "wangfang": _lb(named_child(a, "王芳", datetime.date(2014, 7, 7), male=False)),
        "chenxiaoming": named_child(a, "陈晓明", datetime.date(2011, 2, 2)),
        "liuyang": named_child(a, "刘洋", datetime.date(2012, 8, 8)),
        "zhaolei": named_child(a, "赵磊", datetime.date(2013, 1, 1)),
        "sunli": named_child(a, "孙丽", datetime.date(2021, 1, 1), male=False),  # three: not of school age
    }
    return kids


def _rows(kids, area):
    code = area.code
    return [
        {"姓名": "张伟", "身份证号": str(kids["zhangwei"].id_number.reveal_unchecked()), "出生日期": "2012-03-10",
         "性别": "男", "当前状态": "在读", "是否农村留守儿童": "是", "户籍地区划代码": code},
        {"姓名": "李娜", "身份证号": str(kids["lina"].id_number.reveal_unchecked()), "出生日期": "2013/05/01",
         "性别": "女", "当前状态": "退学", "是否农村留守儿童": "是", "户籍地区划代码": code},
        {"姓名": "汪芳", "出生日期": "2014-07-07", "性别": "女", "当前状态": "在读", "是否农村留守儿童": "是",
         "户籍地区划代码": code},  # homophone of 王芳, no ID on the roster
        {"姓名": "陳曉明", "出生日期": "20110202", "性别": "男", "当前状态": "在读", "是否农村留守儿童": "否",
         "户籍地区划代码": code},  # traditional characters of 陈晓明
        {"姓名": "刘洋", "身份证号": _typo(str(kids["liuyang"].id_number.reveal_unchecked())), "出生日期": "2012-08-08",
         "性别": "男", "当前状态": "在读", "是否农村留守儿童": "否", "户籍地区划代码": code},  # ID typo
        {"姓名": "周杰", "出生日期": "2012-06-06", "性别": "男", "当前状态": "在读", "是否农村留守儿童": "是",
         "户籍地区划代码": code},  # the school's left-behind child we never identified
        {"姓名": "吴敏", "出生日期": "2012-06-06", "性别": "女", "当前状态": "在读", "是否农村留守儿童": "否",
         "户籍地区划代码": code},  # a child of no concern to the registry
    ]


def _reconcile(world, cc, rows):
    roster = services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=roster_file(rows),
                                   filename="学籍名册.csv")
    return services.reconcile_roster(actor=cc.supervisor_a, roster=roster, today=TODAY)


def _entry(roster, name=None, person=None):
    qs = RosterEntry.objects.filter(roster=roster)
    return qs.get(name=name) if name else qs.get(person=person, line__isnull=True)


def test_the_crafted_roster_sorts_every_school_age_child_into_the_four_buckets(world, cc, registry):
    roster = _reconcile(world, cc, _rows(registry, world.community_a))
    assert _entry(roster, "张伟").bucket == Bucket.CONSISTENT and _entry(roster, "张伟").match == MatchMethod.ID
    assert _entry(roster, "李娜").bucket == Bucket.CONFLICT
    assert _entry(roster, "周杰").bucket == Bucket.UNKNOWN
    assert _entry(roster, person=registry["zhaolei"]).bucket == Bucket.NOT_IN_SCHOOL
    assert not RosterEntry.objects.filter(roster=roster, person=registry["sunli"]).exists()  # three years old
    assert _entry(roster, "吴敏").bucket == ""
    assert roster.counts == {"consistent": 4, "conflict": 1, "not_in_school": 1, "unknown": 1, "proposals": 1}


def test_a_homophone_a_traditional_variant_and_an_id_typo_surface_as_name_candidates(world, cc, registry):
    roster = _reconcile(world, cc, _rows(registry, world.community_a))
    homophone, variant, typo = _entry(roster, "汪芳"), _entry(roster, "陳曉明"), _entry(roster, "刘洋")
    assert (homophone.person, homophone.match, homophone.name_score) == (registry["wangfang"], MatchMethod.NAME, 95)
    assert (variant.person, variant.match) == (registry["chenxiaoming"], MatchMethod.NAME)
    assert (typo.person, typo.match, typo.name_score) == (registry["liuyang"], MatchMethod.NAME, 100)
    assert {homophone.decision, variant.decision, typo.decision} == {Decision.OPEN}


def test_the_roster_s_dropout_becomes_a_proposal_with_a_dropout_alert(world, cc, registry):
    _reconcile(world, cc, _rows(registry, world.community_a))
    proposal = Proposal.objects.get(person=registry["lina"], rule=ProposalRule.SCHOOL_EXIT)
    assert "控辍保学" in proposal.reason and proposal.status == "proposed"


def test_a_name_candidate_confirmed_as_the_same_child_proposes_its_differences(world, cc, registry):
    rows = _rows(registry, world.community_a)
    rows[3]["是否农村留守儿童"] = "是"  # the school says 陳曉明 is left-behind; we do not
    roster = _reconcile(world, cc, rows)
    variant = _entry(roster, "陳曉明")
    assert variant.bucket == Bucket.CONFLICT and not Proposal.objects.filter(person=registry["chenxiaoming"]).exists()
    services.decide_roster_entry(actor=cc.director_a, entry=variant, decision=Decision.SAME)
    assert Proposal.objects.get(person=registry["chenxiaoming"]).rule == ProposalRule.ROSTER_LEFT_BEHIND


def test_not_the_same_person_is_remembered_by_the_next_roster(world, cc, registry):
    rows = _rows(registry, world.community_a)
    first = _reconcile(world, cc, rows)
    services.decide_roster_entry(actor=cc.director_a, entry=_entry(first, "汪芳"), decision=Decision.NOT_SAME)
    assert _entry(first, "汪芳").bucket == Bucket.UNKNOWN
    second = _reconcile(world, cc, rows)
    again = _entry(second, "汪芳")
    assert again.person is None and again.bucket == Bucket.UNKNOWN
    assert _entry(second, person=registry["wangfang"]).bucket == Bucket.NOT_IN_SCHOOL


def test_a_dismissal_needs_a_note_and_a_decision_is_taken_once(world, cc, registry):
    roster = _reconcile(world, cc, _rows(registry, world.community_a))
    entry = _entry(roster, person=registry["zhaolei"])
    with pytest.raises(ValidationError, match="why nothing changes|为何无需变更"):
        services.decide_roster_entry(actor=cc.director_a, entry=entry, decision=Decision.DISMISSED)
    services.decide_roster_entry(actor=cc.director_a, entry=entry, decision=Decision.DISMISSED, note="随父母转学外省")
    from core.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused):
        services.decide_roster_entry(actor=cc.director_a, entry=entry, decision=Decision.DISMISSED, note="再次")


def test_bad_cells_are_reported_by_line_and_column_and_good_rows_are_kept(world, cc, registry):
    rows = _rows(registry, world.community_a)
    rows[0]["出生日期"] = "去年"
    rows[1]["性别"] = "未知"
    rows[2]["户籍地区划代码"] = world.village_b.code  # another district's village
    roster = services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=roster_file(rows))
    assert roster.rows == len(rows) - 3
    text = "\n".join(roster.errors)
    assert "[出生日期]" in text and "[性别]" in text and "[户籍地区划代码]" in text and ("line 2" in text or "第2行" in text)


def test_a_file_without_the_required_columns_is_refused_with_a_clear_message(world, cc):
    import io

    bad = io.BytesIO("姓名,学校\n张伟,一小\n".encode())
    bad.name = "x.csv"
    with pytest.raises(ValidationError, match="出生日期|birth_date|Missing"):
        services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=bad)


def test_a_roster_is_compared_once(world, cc, registry):
    from core.exceptions import TransitionRefused

    roster = _reconcile(world, cc, _rows(registry, world.community_a))
    with pytest.raises(TransitionRefused):
        services.reconcile_roster(actor=cc.supervisor_a, roster=roster, today=TODAY)


def test_a_director_cannot_upload_a_roster_and_another_district_cannot_compare_it(world, cc):
    from core.exceptions import NoPermission, OutOfScope

    with pytest.raises((NoPermission, OutOfScope)):
        services.stage_roster(actor=cc.director_a, area=world.community_a, source=roster_file([]))
    roster = services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=roster_file([]))
    from tests.factories import staff

    other = staff("supervisor_b", "child_supervisor", world.village_b.parent)
    with pytest.raises(OutOfScope):
        services.reconcile_roster(actor=other, roster=roster)


def test_a_child_an_id_number_claims_later_in_the_file_is_no_earlier_name_s_candidate(world, cc, registry):
    """The ID matches are taken first: a homophone row above the child's own ID row does not take the child
    (the row-by-row comparison gave the child to both rows)."""
    rows = _rows(registry, world.community_a)
    rows.insert(0, {"姓名": "章伟", "出生日期": "2012-03-10", "性别": "男", "当前状态": "在读", "是否农村留守儿童": "是",
                    "户籍地区划代码": world.community_a.code})  # 张伟's homophone, same birth date and sex
    roster = _reconcile(world, cc, rows)
    assert _entry(roster, "张伟").person == registry["zhangwei"] and _entry(roster, "张伟").match == MatchMethod.ID
    homophone = _entry(roster, "章伟")
    assert homophone.person is None and homophone.bucket == Bucket.UNKNOWN
    assert RosterEntry.objects.filter(roster=roster, person=registry["zhangwei"]).count() == 1


def test_cells_with_tabs_and_backslashes_are_stored_as_written(world, cc, registry):
    rows = _rows(registry, world.community_a)
    rows[0]["学校"] = "第一\t小学\\分校"
    rows[5]["姓名"] = "周\\杰"
    roster = services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=roster_file(rows))
    assert RosterEntry.objects.get(roster=roster, line=2).school == "第一\t小学\\分校"
    assert RosterEntry.objects.filter(roster=roster, name="周\\杰").exists()


def test_the_staged_id_number_is_encrypted_indexed_and_masked_as_the_fields_would_on_save(world, cc, registry):
    from core.personal import index_lookup

    number = str(registry["zhangwei"].id_number.reveal_unchecked())
    roster = services.stage_roster(actor=cc.supervisor_a, area=world.street_a,
                                   source=roster_file(_rows(registry, world.community_a)))
    entry = RosterEntry.objects.get(roster=roster, **index_lookup(RosterEntry, "id_number", number))
    assert entry.id_number.reveal_unchecked() == number
    assert entry.id_number_masked == number[:6] + "********" + number[-4:]
    assert RosterEntry.objects.get(roster=roster, name="汪芳").id_number is None


def test_the_roster_s_name_scores_are_the_candidate_scores_of_single_comparisons():
    from child_care.matching import NAME_THRESHOLD, NameMatcher, best_candidate, name_score

    names = ["张伟", "張偉", "章伟", "张卫", "张伟伟", "王芳", "汪芳", "陳曉明", "陈晓明", "陈小明", "陈晓敏", "李 娜", "",
             "欧阳娜娜", "欧阳那那", "Zhang Wei"]
    matcher = NameMatcher()
    for a in names:
        for b in names:
            single, roster = name_score(a, b), matcher.score(a, b)  # below the threshold the matcher stops early
            assert (roster == single) if single >= NAME_THRESHOLD else (roster < NAME_THRESHOLD), (a, b, roster)
        candidates = list(enumerate(names))
        assert matcher.best(a, candidates) == best_candidate(a, candidates)
