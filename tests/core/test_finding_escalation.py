"""An overdue finding climbs the hierarchy night after night until someone resolves it (frozen clock)."""

import datetime

from django.urls import reverse

from core import services, supervision
from core.choices import AreaLevel, FindingStatus
from core.models import AuditEvent, Finding

D = datetime.date
FRIDAY_AFTER_GOLDEN_WEEK = D(2020, 10, 9)


def overdue_finding(world, due=FRIDAY_AFTER_GOLDEN_WEEK):
    finding, _ = services.raise_finding(rule="test.overdue", target=world.grid_a, area=world.community_a,
                                        title="居民诉求未答复", due_date=due)
    return finding


def inbox(user):
    return list(Finding.objects.inbox(user).values_list("pk", flat=True))


def test_a_new_finding_is_in_the_inbox_of_its_own_areas_level(world):
    finding = overdue_finding(world)
    assert finding.level == AreaLevel.COMMUNITY
    assert inbox(world.worker_a) == [finding.pk]
    assert inbox(world.street_officer_a) == []


def test_the_nightly_run_raises_an_overdue_finding_to_the_street_with_a_new_due_date(world):
    finding = overdue_finding(world)
    supervision.run_all(today=D(2020, 10, 12))  # Monday after the golden week; due Friday 9 October
    finding.refresh_from_db()
    assert finding.level == AreaLevel.TOWNSHIP
    assert finding.due_date == D(2020, 10, 19)  # five working days later
    assert inbox(world.street_officer_a) == [finding.pk]
    assert inbox(world.worker_a) == []
    assert finding.pk in Finding.objects.restrict(world.worker_a).values_list("pk", flat=True)  # still visible


def test_the_escalation_is_audited_and_kept_in_the_findings_history(world):
    finding = overdue_finding(world)
    supervision.escalate_overdue(D(2020, 10, 12))
    (step,) = finding.escalations.all()
    assert (step.from_level, step.to_level, step.previous_due_date) == (
        AreaLevel.COMMUNITY, AreaLevel.TOWNSHIP, D(2020, 10, 9))
    event = AuditEvent.objects.get(action="core.finding.escalate", target_id=str(finding.pk))
    assert event.changes["level"] == [AreaLevel.COMMUNITY, AreaLevel.TOWNSHIP]


def test_a_second_run_the_same_night_changes_nothing(world):
    finding = overdue_finding(world)
    assert supervision.escalate_overdue(D(2020, 10, 12)) == 1
    assert supervision.escalate_overdue(D(2020, 10, 12)) == 0
    assert finding.escalations.count() == 1


def test_it_climbs_to_the_city_and_never_above(world):
    finding = overdue_finding(world)
    day = D(2020, 10, 12)
    for _ in range(6):
        supervision.escalate_overdue(day)
        day += datetime.timedelta(days=30)
    finding.refresh_from_db()
    assert finding.level == AreaLevel.CITY
    assert [s.to_level for s in finding.escalations.all()] == [
        AreaLevel.TOWNSHIP, AreaLevel.COUNTY, AreaLevel.CITY]
    assert inbox(world.officer_a) == [] and inbox(world.city_admin) == [finding.pk]


def test_a_finding_not_yet_due_or_resolved_stays_where_it_is(world):
    waiting = overdue_finding(world, due=D(2020, 10, 12))
    resolved, _ = services.raise_finding(rule="test.other", target=world.community_a, area=world.community_a,
                                         title="已处理", due_date=D(2020, 10, 1))
    services.close_finding(actor=world.worker_a, finding=resolved, status=FindingStatus.RESOLVED,
                           resolution="已答复")
    assert supervision.escalate_overdue(D(2020, 10, 12)) == 0
    waiting.refresh_from_db()
    assert waiting.level == AreaLevel.COMMUNITY


def test_the_admin_shows_the_findings_way_up(world, web):
    finding = overdue_finding(world)
    supervision.escalate_overdue(D(2020, 10, 12))
    page = web(world.city_admin).get(reverse("admin:core_finding_change", args=[finding.pk]))
    assert page.status_code == 200
    assert "2020-10-09" in page.content.decode() or "2020年10月9日" in page.content.decode()
