import datetime

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import OutOfScope, TransitionRefused
from core.models import AuditEvent
from social_orgs import services
from social_orgs.choices import ListType, OrgStatus, OrgType, RevocationGround
from social_orgs.models import CreditListing, StatusChange
from tests.factories.social_orgs import organisation, uscc_for

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_social_group_goes_from_name_approval_through_preparation_to_registration(world):
    org = organisation(world.district_a, status="name_approved")
    with pytest.raises(TransitionRefused, match="preparation"):
        services.establish(actor=world.officer_a, org=org, uscc=uscc_for(), founded_on=D(2020, 3, 1),
                           party_commitment=True)
    services.start_preparation(actor=world.officer_a, org=org, on=D(2020, 2, 1))
    org = services.establish(actor=world.officer_a, org=org, uscc=uscc_for(), founded_on=D(2020, 3, 1),
                             party_commitment=True, legal_rep_id_number="11010519491231002X")
    assert org.status == OrgStatus.ACTIVE
    assert list(StatusChange.objects.filter(organisation=org).values_list("step", flat=True)) == [
        "name_approval", "preparation", "establishment"]
    assert str(org.legal_rep_id_number) != "11010519491231002X"  # shown masked
    assert org.legal_rep_id_number_masked.endswith("002X")


def test_establishment_refuses_a_code_with_a_wrong_check_character_and_keeps_the_organisation_waiting(world):
    org = organisation(world.district_a, org_type=OrgType.SERVICE, status="name_approved")
    good = uscc_for(OrgType.SERVICE)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.establish(actor=world.officer_a, org=org, uscc=bad, founded_on=D(2020, 3, 1), party_commitment=True)
    assert "check character" in str(exc.value)
    org.refresh_from_db()
    assert org.status == OrgStatus.NAME_APPROVED and org.uscc == ""


def test_establishment_needs_the_party_building_commitment_letter(world):
    org = organisation(world.district_a, org_type=OrgType.FOUNDATION, status="name_approved")
    with pytest.raises(ValidationError, match="commitment"):
        services.establish(actor=None, org=org, uscc=uscc_for(OrgType.FOUNDATION), founded_on=D(2020, 3, 1),
                           party_commitment=False)


def test_a_community_social_organisations_area_is_the_community_it_serves(world):
    with pytest.raises(ValidationError, match="community it serves"):
        services.approve_name(actor=None, name="和平社区调解会", org_type=OrgType.GROUP, area=world.district_a,
                              registration_level="county", legal_rep_name="李四", kind="community")
    org = organisation(world.community_a, name="和平社区调解会")
    assert org.area == world.community_a


def test_a_change_waits_for_the_decision_then_applies_and_is_recorded_on_the_sponsors_behalf(world):
    org = organisation(world.district_a)
    services.apply_for_change(actor=world.officer_a, org=org, changes={"address": "淮河路1号"}, on=D(2020, 5, 1))
    org.refresh_from_db()
    assert org.status == OrgStatus.CHANGING and org.address == ""
    services.decide_change(actor=world.officer_a, org=org, approve=True, on=D(2020, 5, 8), on_behalf_of="市科技局")
    org.refresh_from_db()
    assert org.status == OrgStatus.ACTIVE and org.address == "淮河路1号"
    last = StatusChange.objects.filter(organisation=org).last()
    assert (last.step, last.on_behalf_of, last.decided_by) == ("change_approved", "市科技局", world.officer_a)


def test_the_other_districts_officer_cannot_touch_the_organisation_and_nothing_is_written(world):
    org = organisation(world.district_a)
    before = AuditEvent.objects.count()
    with pytest.raises(OutOfScope):
        services.deregister(actor=world.officer_b, org=org, reason="清算完毕")
    assert AuditEvent.objects.count() == before


def test_a_zombie_revocation_is_refused_within_the_year_and_then_lists_the_organisation_as_serious(world):
    org = organisation(world.district_a, founded_on=D(2019, 6, 1))
    with pytest.raises(TransitionRefused, match="year"):
        services.revoke(actor=world.officer_a, org=org, ground=RevocationGround.ZOMBIE, on=D(2020, 5, 1),
                        reason="成立后未开展活动")
    services.revoke(actor=world.officer_a, org=org, ground=RevocationGround.ZOMBIE, on=D(2020, 7, 1),
                    reason="成立后一年未开展活动")
    org.refresh_from_db()
    assert org.status == OrgStatus.REVOKED and org.ended_on == D(2020, 7, 1)
    listing = CreditListing.objects.get(organisation=org)
    assert listing.list_type == ListType.SERIOUS and listing.reason == "revoked"
    assert listing.earliest_exit_on == D(2022, 7, 1)


def test_an_organisation_active_within_its_first_year_is_no_zombie(world):
    org = organisation(world.district_a, founded_on=D(2019, 6, 1))
    services.record_activity(actor=None, org=org, on=D(2019, 9, 1), what="成立大会")
    with pytest.raises(TransitionRefused, match="active within a year"):
        services.revoke(actor=None, org=org, ground=RevocationGround.ZOMBIE, on=D(2020, 7, 1), reason="x")


def test_party_documents_are_due_five_working_days_after_registration(world):
    from core.models import Finding
    from core.supervision import run_all

    org = organisation(world.district_a, founded_on=D(2020, 9, 28))  # the National Day week follows
    run_all(today=D(2020, 10, 12), only=["social_orgs.party_documents"])
    assert not Finding.objects.filter(rule="social_orgs.party_documents").exists()  # due 12 October
    run_all(today=D(2020, 10, 13), only=["social_orgs.party_documents"])
    assert Finding.objects.get(rule="social_orgs.party_documents", status="open").due_date == D(2020, 10, 12)
    services.forward_party_documents(actor=world.officer_a, org=org, on=D(2020, 10, 13))
    run_all(today=D(2020, 10, 14), only=["social_orgs.party_documents"])
    assert not Finding.objects.filter(rule="social_orgs.party_documents", status="open").exists()


def test_a_local_day_off_moves_the_party_documents_due_date_and_the_check_reads_once_for_many(
        world, django_assert_max_num_queries):
    from core.models import Finding, WorkdayOverride
    from core.supervision import run_all
    from social_orgs.supervision import party_documents

    WorkdayOverride.objects.create(date=D(2020, 10, 12), is_workday=False, reason="本市停工")
    for _ in range(6):
        organisation(world.district_a, founded_on=D(2020, 9, 28))
    run_all(today=D(2020, 10, 13), only=["social_orgs.party_documents"])
    assert not Finding.objects.filter(rule="social_orgs.party_documents").exists()  # due 13 October now
    run_all(today=D(2020, 10, 14), only=["social_orgs.party_documents"])
    assert set(Finding.objects.filter(rule="social_orgs.party_documents").values_list("due_date", flat=True)) == {
        D(2020, 10, 13)}
    assert run_all(today=D(2020, 10, 14), only=["social_orgs.party_documents"])[
        "social_orgs.party_documents"] == {"open": 6, "raised": 0, "resolved": 0}  # a second run changes nothing
    with django_assert_max_num_queries(4):  # the rules, the overrides, the late organisations: not one per row
        assert len(list(party_documents(D(2020, 10, 14)))) == 6


def test_the_working_day_table_answers_as_core_does_across_holidays_and_local_overrides():
    from core.models import WorkdayOverride
    from core.workdays import add_working_days
    from social_orgs.dates import WorkingDays

    WorkdayOverride.objects.create(date=D(2020, 5, 6), is_workday=False, reason="本市停工")
    WorkdayOverride.objects.create(date=D(2020, 10, 10), is_workday=True, reason="本市补班")
    table = WorkingDays(D(2019, 12, 1), D(2020, 12, 31))
    day = D(2019, 12, 1)
    while day <= D(2020, 12, 31):
        for n in (0, 1, 5, 10):
            assert table.add(day, n) == add_working_days(day, n), (day, n)
        day += datetime.timedelta(days=1)
    assert table.add(D(2018, 1, 1), 5) == add_working_days(D(2018, 1, 1), 5)  # outside the span: asked of core
