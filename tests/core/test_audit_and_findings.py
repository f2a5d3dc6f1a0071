"""The audit log is append-only and scoped; findings reach the inbox of the right officers."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core import services, supervision
from core.choices import FindingStatus
from core.models import AuditEvent, Finding
from tests.factories import make_area, population
from tests.scoped import API, Pages


def _event_in(area, action="core.test.event"):
    return services.audit.record(actor=None, action=action, target=area)


def _finding_in(area, rule="core.test_rule"):
    finding, _ = services.raise_finding(rule=rule, target=area, area=area, title=f"检查 {area.code}",
                                        due_date=datetime.date(2020, 12, 31))
    return finding


@pytest.mark.django_db
class TestAuditLog:
    def test_an_event_cannot_be_changed_or_deleted(self, world):
        event = _event_in(world.community_a)
        event.reason = "changed"
        with pytest.raises(ValueError):
            event.save()
        with pytest.raises(ValueError):
            event.delete()

    def test_the_database_refuses_updates_on_postgresql(self, world, is_postgres):
        if not is_postgres:
            pytest.skip("the trigger exists on PostgreSQL only")
        _event_in(world.community_a)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.update(reason="tampered")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent")

    def test_a_write_is_undone_when_its_audit_row_cannot_be_written(self, world, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("audit store unavailable")

        monkeypatch.setattr(services.audit, "record", broken)
        with pytest.raises(RuntimeError):
            services.update_area(actor=world.officer_a, area=world.community_a, name="改名")
        world.community_a.refresh_from_db()
        assert world.community_a.name == "和平社区"

    def test_update_records_who_what_and_before_after(self, world):
        services.update_area(actor=world.officer_a, area=world.community_a, name="新和平社区")
        event = AuditEvent.objects.get(action="core.area.update")
        assert event.actor == world.officer_a and event.actor_label.startswith("officer_a")
        assert event.area_code == world.community_a.code
        assert event.changes == {"name": ["和平社区", "新和平社区"]}

    def test_an_auditor_sees_the_log_and_a_district_officer_does_not(self, world, web):
        _event_in(world.community_a)
        assert web(world.auditor).get(reverse("audit-list")).status_code == 200
        assert web(world.officer_a).get(reverse("audit-list")).status_code == 403


class _AuditorOfDistrictB:
    """The audit log's out-of-scope persona: an auditor of the other district (a district officer
    holds no audit permission at all, which is the 403 test)."""

    in_scope_persona = "auditor"
    out_of_scope_persona = "auditor_b"

    def persona(self, world, name):
        if name == "auditor_b":
            from core.choices import Role
            from tests.factories import staff

            return staff("auditor_b", Role.AUDITOR, world.district_b)
        return super().persona(world, name)


class TestAuditAPI(_AuditorOfDistrictB, API.ReadOnly):
    basename = "auditevent"
    lookup_attr = "pk"

    def make_object(self, world):
        return _event_in(world.community_a)


class TestAuditPages(_AuditorOfDistrictB, Pages.List, Pages.Export):
    list_url_name = "audit-list"

    def make_object(self, world):
        return _event_in(world.community_a, action="core.test.visible_only_in_a")

    def row_text(self, obj):
        from core.auditwords import describe_action

        return describe_action(obj)  # the log reads actions in words


class TestFindingAPI(API.ReadOnly):
    basename = "finding"

    def make_object(self, world):
        return _finding_in(make_area(f"340302001001{Finding.objects.count() + 100:03d}", "grid", world.community_a))


class TestFindingPages(Pages.List, Pages.Export):
    list_url_name = "finding-list"

    def make_object(self, world):
        return _finding_in(make_area(f"340302001001{Finding.objects.count() + 100:03d}", "grid", world.community_a))

    def row_text(self, obj):
        return obj.title


@pytest.mark.django_db
class TestFindings:
    def test_raising_twice_keeps_one_open_finding(self, world):
        first = _finding_in(world.community_a)
        again, created = services.raise_finding(rule="core.test_rule", target=world.community_a,
                                                area=world.community_a, title="again")
        assert not created and again.pk == first.pk

    def test_closing_needs_a_resolution_and_is_audited(self, world, api):
        finding = _finding_in(world.community_a)
        client = api(world.officer_a)
        url = reverse("api:finding-close", args=[finding.pk])
        refused = client.post(url, {"status": "resolved", "resolution": ""}, format="json")
        assert refused.status_code == 400 and "resolution" in refused.json()["error"]["fields"]
        done = client.post(url, {"status": "resolved", "resolution": "已补录人口数据"}, format="json")
        assert done.status_code == 200 and done.json()["status"] == "resolved"
        assert AuditEvent.objects.filter(action="core.finding.resolved", actor=world.officer_a).exists()

    def test_an_officer_of_another_district_cannot_close_it(self, world, api):
        finding = _finding_in(world.community_a)
        response = api(world.officer_b).post(reverse("api:finding-close", args=[finding.pk]),
                                             {"status": "dismissed", "resolution": "x"}, format="json")
        assert response.status_code == 404
        assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN

    def test_population_check_raises_then_resolves_when_fixed(self, world):
        population(world.community_b)
        summary = supervision.run_all(only=["core.population_missing"])
        assert summary["core.population_missing"]["raised"] == 2  # community_a and village_b lack 2020
        again = supervision.run_all(only=["core.population_missing"])
        assert again["core.population_missing"]["raised"] == 0
        assert Finding.objects.filter(status="open").count() == 2
        population(world.community_a)
        population(world.village_b)
        fixed = supervision.run_all(only=["core.population_missing"])
        assert fixed["core.population_missing"]["resolved"] == 2
        assert not Finding.objects.filter(status="open").exists()

    def test_the_inbox_shows_open_findings_of_ones_area_only(self, world, web):
        mine = _finding_in(world.community_a)
        theirs = _finding_in(world.community_b)
        body = web(world.officer_a).get(reverse("finding-list")).content.decode()
        assert mine.title in body and theirs.title not in body


class TestTheNightlyRunnerIsSetWise:
    """The runner reads a rule's open findings once and writes the new ones in bulk: the number of
    queries does not grow with the records a check yields (100,000 organisations took minutes with a
    query, an audit row and a commit per record), and the outcome is the one-by-one outcome."""

    def _rule(self, monkeypatch, areas):
        from core import supervision

        def check(today):
            for area in areas():
                yield supervision.Raise(target=area, area=area, title=f"核查 {area.name}")
        monkeypatch.setitem(supervision.REGISTRY, "test.bulk_rule", check)
        monkeypatch.setattr(supervision, "discover", lambda: None)
        return supervision

    def test_many_records_cost_no_more_queries_than_few(self, world, monkeypatch, django_assert_max_num_queries):
        from core.models import Area, AuditEvent, Finding

        few = [world.community_a]
        chosen = {"areas": few}
        supervision = self._rule(monkeypatch, lambda: chosen["areas"])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            supervision.run_all(only=["test.bulk_rule"])
        Finding.objects.filter(rule="test.bulk_rule").delete()
        chosen["areas"] = list(Area.objects.all())
        with django_assert_max_num_queries(len(small.captured_queries)):
            summary = supervision.run_all(only=["test.bulk_rule"])
        assert summary["test.bulk_rule"]["raised"] == Area.objects.count() > 5
        found = Finding.objects.get(rule="test.bulk_rule", target_id=str(world.grid_a.pk))
        assert found.level == world.grid_a.level and found.title == "核查 第1网格" and found.status == "open"
        assert AuditEvent.objects.filter(action="core.finding.raise", target_id=str(found.pk)).count() == 1

    def test_a_second_night_changes_nothing_and_a_fixed_record_is_closed(self, world, monkeypatch):
        from core.models import AuditEvent, Finding

        chosen = {"areas": [world.community_a, world.community_b]}
        supervision = self._rule(monkeypatch, lambda: chosen["areas"])
        supervision.run_all(only=["test.bulk_rule"])
        events = AuditEvent.objects.count()
        again = supervision.run_all(only=["test.bulk_rule"])["test.bulk_rule"]
        assert again == {"open": 2, "raised": 0, "resolved": 0} and AuditEvent.objects.count() == events
        chosen["areas"] = [world.community_a]
        third = supervision.run_all(only=["test.bulk_rule"])["test.bulk_rule"]
        assert third == {"open": 1, "raised": 0, "resolved": 1}
        closed = Finding.objects.get(rule="test.bulk_rule", target_id=str(world.community_b.pk))
        assert closed.status == "resolved" and closed.closed_at is not None
        assert AuditEvent.objects.filter(action="core.finding.auto_resolve", target_id=str(closed.pk)).count() == 1

    def test_a_finding_opened_meanwhile_is_neither_lost_nor_doubled(self, world, monkeypatch):
        from core import services
        from core.models import Finding

        supervision = self._rule(monkeypatch, lambda: [world.community_a, world.community_b])
        # Someone opens one of them between the runner's read of the open findings and its write.
        services.raise_finding(rule="test.bulk_rule", target=world.community_b, area=world.community_b, title="先到")
        monkeypatch.setattr(services, "_open_finding_keys", lambda rule: set())
        summary = supervision.run_all(only=["test.bulk_rule"])["test.bulk_rule"]
        assert summary == {"open": 2, "raised": 1, "resolved": 0}
        assert Finding.objects.filter(rule="test.bulk_rule", status="open").count() == 2
        assert Finding.objects.get(rule="test.bulk_rule", target_id=str(world.community_b.pk)).title == "先到"
