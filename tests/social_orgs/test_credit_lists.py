"""The credit lists' timers (令60) on a frozen clock: every date is passed in, nothing reads today."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import TransitionRefused
from core.models import Finding
from core.supervision import run_all
from social_orgs import services
from social_orgs.choices import ExitReason, ListingStatus, ListType, OrgType, ProposalStatus
from social_orgs.models import CreditListing, CreditRule, RevocationProposal
from tests.factories.social_orgs import organisation

pytestmark = pytest.mark.django_db
D = datetime.date


def _diligent(area, **kwargs):
    """An organisation that files every report in time (so no late-report event interferes)."""
    org = organisation(area, **kwargs)
    for year in range(2018, 2024):
        services.file_annual_report(actor=None, org=org, year=year, submitted_on=D(year + 1, 3, 1))
    return org


def _listing(org, list_type=ListType.ABNORMAL):
    return CreditListing.objects.get(organisation=org, list_type=list_type, status=ListingStatus.LISTED)


def test_a_missed_report_deadline_lists_the_organisation_once_with_its_reason(world):
    org = organisation(world.district_a, founded_on=D(2018, 3, 1))
    services.file_annual_report(actor=None, org=org, year=2018, submitted_on=D(2019, 5, 20))
    assert services.run_timers(D(2020, 5, 31))["listed"] == 0  # the deadline day itself is still in time
    assert services.run_timers(D(2020, 6, 1))["listed"] == 1
    assert services.run_timers(D(2020, 6, 2))["listed"] == 0  # idempotent
    listing = _listing(org)
    assert listing.reason == "late_report" and "2019" in listing.reason_text and "2020-05-31" in listing.reason_text
    assert listing.escalates_on == D(2022, 6, 1)


def test_a_foundations_deadline_is_31_march_and_it_needs_an_audit_report(world):
    org = organisation(world.district_a, org_type=OrgType.FOUNDATION, founded_on=D(2018, 3, 1))
    with pytest.raises(ValidationError, match="audit report"):
        services.file_annual_report(actor=None, org=org, year=2019, submitted_on=D(2020, 3, 20))
    assert services.run_timers(D(2020, 4, 1))["listed"] == 1


def test_a_report_filed_in_time_keeps_the_organisation_off_the_list(world):
    org = organisation(world.district_a, founded_on=D(2018, 3, 1))
    services.file_annual_report(actor=None, org=org, year=2019, submitted_on=D(2020, 5, 30),
                                sponsor_submitted_on=D(2020, 3, 30))
    services.run_timers(D(2020, 6, 1))
    assert not CreditListing.objects.filter(organisation=org).exists()


def test_escalation_after_two_years_moves_it_to_the_serious_list_on_the_next_working_day(world):
    org = _diligent(world.district_a)
    listing = services.list_organisation(actor=world.officer_a, org=org, reason="unreachable", on=D(2019, 10, 1),
                                         reason_text="两次挂号信退回")
    assert listing.escalates_on == D(2021, 10, 8)  # 1 October 2021 falls in the National Day holiday
    assert services.run_timers(D(2021, 10, 7))["escalated"] == 0
    assert services.run_timers(D(2021, 10, 8))["escalated"] == 1
    listing.refresh_from_db()
    serious = _listing(org, ListType.SERIOUS)
    assert listing.status == ListingStatus.ESCALATED and listing.escalated_to == serious
    assert serious.reason == "two_years_abnormal" and serious.listed_on == D(2021, 10, 8)
    assert serious.earliest_exit_on == D(2023, 10, 8)  # a Sunday, but a working day (调休) in 2023
    assert services.run_timers(D(2021, 10, 9))["escalated"] == 0


def test_a_new_event_while_listed_restarts_the_clock(world):
    org = _diligent(world.district_a)
    first = services.list_organisation(actor=None, org=org, reason="unreachable", on=D(2020, 3, 2), reason_text="退信")
    again = services.list_organisation(actor=None, org=org, reason="no_party_org", on=D(2021, 3, 1),
                                       reason_text="未按要求建立党组织")
    assert again.pk == first.pk and again.restart_count == 1 and len(again.events) == 2
    assert again.clock_from == D(2021, 3, 1) and again.escalates_on == D(2023, 3, 1)
    assert services.run_timers(D(2022, 3, 3))["escalated"] == 0


def test_a_warning_has_nothing_to_rectify_and_leaves_automatically_after_six_months(world):
    org = _diligent(world.district_a)
    listing = services.record_penalty(actor=None, org=org, kind="warning", decided_on=D(2020, 4, 4), reference="蚌民罚〔2020〕1号")
    assert listing.list_type == ListType.ABNORMAL and not listing.rectifiable
    assert listing.auto_exit_on == D(2020, 10, 9)  # 4 October is a National Day holiday
    with pytest.raises(TransitionRefused, match="automatically"):
        services.remove_listing(actor=None, listing=listing, on=D(2020, 9, 1))
    assert services.run_timers(D(2020, 10, 8))["expired"] == 0
    assert services.run_timers(D(2020, 10, 9))["expired"] == 1
    listing.refresh_from_db()
    assert (listing.status, listing.exit_reason, listing.exited_on) == (ListingStatus.EXITED, ExitReason.AUTOMATIC,
                                                                        D(2020, 10, 9))


def test_a_fine_of_50000_or_a_second_penalty_within_three_years_goes_straight_to_the_serious_list(world):
    big = organisation(world.district_a)
    assert services.record_penalty(actor=None, org=big, kind="fine", amount=Decimal(50000), decided_on=D(2020, 6, 1),
                                   reference="罚1").list_type == ListType.SERIOUS
    twice = organisation(world.district_a)
    services.record_penalty(actor=None, org=twice, kind="warning", decided_on=D(2018, 7, 1), reference="罚2")
    second = services.record_penalty(actor=None, org=twice, kind="fine", amount=Decimal(1000), decided_on=D(2020, 6, 1),
                                     reference="罚3")
    assert (second.list_type, second.reason) == (ListType.SERIOUS, "repeated_penalties")


def test_the_fine_threshold_is_data(world):
    CreditRule.objects.update_or_create(key="large_fine_yuan", defaults={
        "value": 10000, "unit": "元", "description": "地方规则", "legal_source": "某市地方规定（测试）"})
    org = organisation(world.district_a)
    assert services.record_penalty(actor=None, org=org, kind="fine", amount=Decimal(20000), decided_on=D(2020, 6, 1),
                                   reference="罚4").list_type == ListType.SERIOUS


def test_a_rectified_listing_must_leave_within_five_working_days_of_verification(world):
    org = organisation(world.district_a)
    listing = services.list_organisation(actor=None, org=org, reason="late_report", on=D(2020, 6, 1),
                                         reason_text="2019年度工作报告未按时报送")
    with pytest.raises(TransitionRefused, match="not been verified"):
        services.remove_listing(actor=world.officer_a, listing=listing, on=D(2020, 9, 1))
    listing = services.verify_rectification(actor=world.officer_a, listing=listing, on=D(2020, 9, 30),
                                            note="已补报2019年度工作报告")
    assert listing.exit_due_by == D(2020, 10, 14)  # the National Day week is no working time
    run_all(today=D(2020, 10, 15), only=["social_orgs.exit_overdue"])
    assert Finding.objects.filter(rule="social_orgs.exit_overdue", status="open").count() == 1
    services.remove_listing(actor=world.officer_a, listing=listing, on=D(2020, 10, 15))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.EXITED and listing.exit_reason == ExitReason.RECTIFIED


def test_the_serious_list_is_left_on_application_after_two_clean_years_only(world):
    org = organisation(world.district_a)
    listing = services.list_organisation(actor=None, org=org, reason="court_defaulter", on=D(2020, 6, 1),
                                         reason_text="法院失信被执行人")
    with pytest.raises(TransitionRefused, match="2022-06-01"):
        services.remove_listing(actor=None, listing=listing, on=D(2022, 5, 31))
    services.remove_listing(actor=None, listing=listing, on=D(2022, 6, 1), note="申请移出")
    listing.refresh_from_db()
    assert listing.exit_reason == ExitReason.CLEAN_PERIOD


def test_the_organisations_roadmap_says_exactly_what_to_do(world):
    org = organisation(world.district_a)
    listing = services.list_organisation(actor=None, org=org, reason="late_report", on=D(2020, 6, 1),
                                         reason_text="未报")
    from social_orgs.rules import exit_roadmap

    steps = exit_roadmap(listing, D(2020, 6, 2))
    assert "file the missing annual work report" in steps[0]
    assert "5 working days" in steps[1] and "2022-06-01" in steps[2]


def test_a_zombie_is_proposed_to_a_registrar_who_decides(world):
    org = organisation(world.district_a, founded_on=D(2019, 3, 1))
    run_all(today=D(2020, 3, 2), only=["social_orgs.credit_timers", "social_orgs.zombie_revocation"])
    proposal = RevocationProposal.objects.get(organisation=org)
    assert proposal.case_file["certificate_on"] == "2019-03-01"
    finding = Finding.objects.get(rule="social_orgs.zombie_revocation")
    assert finding.area == world.district_a and finding.status == "open"
    assert services.run_timers(D(2020, 3, 3))["proposed"] == 0
    services.revoke(actor=world.officer_a, org=org, ground="zombie", on=D(2020, 3, 10), reason="成立后一年未开展活动")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REVOKED


def test_the_nightly_run_works_in_batches_and_every_change_keeps_its_own_audit_event(world, monkeypatch):
    """Five late reports (one of them restarting an open listing), two escalations and a zombie,
    in batches of two: each change is decided as the single-item services decide it, each has one
    audit event, and a second run changes nothing."""
    from core.models import AuditEvent

    monkeypatch.setattr(services, "TIMER_BATCH", 2)
    late = [organisation(world.district_a, founded_on=D(2018, 3, 1)) for _ in range(5)]
    for org in late:
        services.file_annual_report(actor=None, org=org, year=2018, submitted_on=D(2019, 5, 20))
    already = services.list_organisation(actor=None, org=late[0], reason="unreachable", on=D(2019, 6, 3),
                                         reason_text="两次挂号信退回")
    movers = [_diligent(world.district_a) for _ in range(2)]
    for org in movers:
        services.list_organisation(actor=None, org=org, reason="no_party_org", on=D(2018, 5, 30), reason_text="无党组织")
    zombie = organisation(world.district_a, founded_on=D(2018, 3, 1))
    services.file_annual_report(actor=None, org=zombie, year=2019, submitted_on=D(2020, 3, 1))
    zombie.__class__.objects.filter(pk=zombie.pk).update(first_activity_on=None)
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    done = services.run_timers(D(2020, 6, 1))

    assert done == {"listed": 5, "escalated": 2, "expired": 0, "proposed": 1}
    already.refresh_from_db()
    assert already.restart_count == 1 and already.clock_from == D(2020, 6, 1) and already.escalates_on == D(2022, 6, 1)
    for org in late[1:]:
        assert _listing(org).basis_ref == "annual-report:2019"
    for org in movers:
        assert _listing(org, ListType.SERIOUS).listed_on == D(2020, 6, 1)  # 30 May 2020 was a Saturday
    proposal = RevocationProposal.objects.get(organisation=zombie)
    assert proposal.case_file["annual_reports"] == [{"year": 2019, "submitted_on": "2020-03-01"}]
    actions = sorted(AuditEvent.objects.filter(pk__gt=start).values_list("action", flat=True))
    assert actions == sorted(["social_orgs.creditlisting.restart"] + ["social_orgs.creditlisting.enter"] * 4
                             + ["social_orgs.creditlisting.escalate", "social_orgs.creditlisting.enter"] * 2
                             + ["social_orgs.revocationproposal.propose"])
    assert services.run_timers(D(2020, 6, 1)) == {"listed": 0, "escalated": 0, "expired": 0, "proposed": 0}


def test_the_apps_nightly_supervision_run_twice_raises_and_resolves_nothing_the_second_time(world):
    """The night as core runs it (the timers inside ``credit_timers``, then every check of the app):
    the first night opens findings for what the timers did and what is due; the same night again
    changes nothing (no finding raised or resolved, no listing, no audit event)."""
    from core.models import AuditEvent
    from core.supervision import REGISTRY, discover

    discover()
    ours = sorted(rule for rule in REGISTRY if rule.startswith("social_orgs."))
    late = organisation(world.district_a, founded_on=D(2018, 3, 1))  # no 2019 report by 31 May 2020
    services.record_activity(actor=None, org=late, on=D(2018, 5, 1), what="成立大会")
    organisation(world.district_a, founded_on=D(2020, 5, 6))  # party documents due 13 May, not forwarded
    zombie = organisation(world.district_a, founded_on=D(2019, 3, 1))  # nothing since its certificate
    night = D(2020, 6, 1)
    first = run_all(night, only=ours)
    assert first["social_orgs.credit_timers"]["raised"] == 2  # both without a 2019 report
    assert _listing(late).basis_ref == _listing(zombie).basis_ref == "annual-report:2019"
    assert first["social_orgs.zombie_revocation"]["raised"] == 1
    assert first["social_orgs.party_documents"]["raised"] >= 1
    events, listings = AuditEvent.objects.count(), CreditListing.objects.count()
    again = run_all(night, only=ours)
    assert all(row["raised"] == 0 and row["resolved"] == 0 for row in again.values()), again
    assert {rule: row["open"] for rule, row in again.items()} == {rule: row["open"] for rule, row in first.items()}
    assert AuditEvent.objects.count() == events and CreditListing.objects.count() == listings
