"""The aggregation engine on a small territory with known records: exact values at every level."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from core.choices import AreaLevel
from core.models import Area, AuditEvent
from reports import registry, services
from reports.choices import RunStatus, RunTrigger
from reports.models import IndicatorValue, ReportRun
from reports.periods import Period
from reports.registry import Indicator, Measure, Target, Unit, resident_population
from tests.factories.reports import known_territory

pytestmark = pytest.mark.django_db


def values(period="2020", indicator=None):
    qs = IndicatorValue.objects.filter(period=period)
    if indicator:
        qs = qs.filter(indicator=indicator)
    return {(v.indicator, v.area.code): v for v in qs.select_related("area")}


def value_of(indicator, code, period="2020"):
    return IndicatorValue.objects.get(indicator=indicator, area__code=code, period=period)


URBAN_SHARE = Indicator(
    code="test.urban_share", name="urban share of communities", unit=Unit.PERCENT,
    numerator=Measure(lambda p: Area.objects.filter(level=AreaLevel.COMMUNITY, kind="urban"), area_path="id"),
    denominator=Measure(lambda p: Area.objects.filter(level=AreaLevel.COMMUNITY), area_path="id",
                        missing_reason="no community in %(area)s"),
    lowest_level=AreaLevel.TOWNSHIP, target=Target(">=", 50),
)
RESIDENTS_PER_GRID = Indicator(
    code="test.grids_per_thousand_residents", name="grids per thousand residents", unit=Unit.PERMILLE,
    numerator=Measure(lambda p: Area.objects.filter(level=AreaLevel.GRID), area_path="id", aggregate=Count("id")),
    denominator=resident_population(), lowest_level=AreaLevel.GRID,
)


def test_territory_indicators_have_exact_values_at_every_level(world):
    known_territory(world)
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    v = values()
    expected = {
        ("territory.urban_communities", "340300000000"): 2,
        ("territory.urban_communities", "340302000000"): 1,
        ("territory.urban_communities", "340302001000"): 1,
        ("territory.urban_communities", "340303101000"): 0,
        ("territory.rural_communities", "340300000000"): 1,
        ("territory.rural_communities", "340303000000"): 1,
        ("territory.townships", "340300000000"): 3,
        ("territory.townships", "340303000000"): 2,
        ("territory.grids", "340300000000"): 2,
        ("territory.grids", "340302000000"): 2,
        ("territory.grids", "340302001000"): 2,
        ("territory.grids", "340302001001"): 2,
        ("territory.grids", "340303001001"): 0,
        ("territory.resident_population", "340300000000"): 6000,
        ("territory.resident_population", "340302000000"): 1000,
        ("territory.resident_population", "340303000000"): 5000,
        ("territory.resident_population", "340303001000"): 3000,
        ("territory.resident_population", "340302001001"): 1000,
        ("territory.registered_population", "340300000000"): 6500,
        ("territory.registered_population", "340303101201"): 2500,
        ("territory.grids_per_urban_community", "340300000000"): Decimal("1"),
        ("territory.grids_per_urban_community", "340302001000"): Decimal("2"),
    }
    for key, number in expected.items():
        assert v[key].value == number, key


def test_values_stop_at_the_lowest_level_of_each_indicator(world):
    known_territory(world)
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    levels = set(IndicatorValue.objects.filter(indicator="territory.urban_communities")
                 .values_list("area__level", flat=True))
    assert levels == {AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP}
    assert not IndicatorValue.objects.filter(indicator="territory.grids", area__level=AreaLevel.GRID).exists()


def test_percentages_are_exact_and_a_zero_denominator_gives_no_value_and_says_why(world):
    known_territory(world)
    services.aggregate(period=Period.parse("2020"), indicators=[URBAN_SHARE])
    assert value_of("test.urban_share", "340300000000").value == Decimal("66.6667")
    city = value_of("test.urban_share", "340300000000")
    assert (city.numerator, city.denominator) == (2, 3)
    assert value_of("test.urban_share", "340303101000").value == 0
    assert value_of("test.urban_share", "340302001000").value == 100
    empty = make_empty_street(world)
    services.aggregate(period=Period.parse("2020"), indicators=[URBAN_SHARE])
    missing = value_of("test.urban_share", empty.code)
    assert missing.value is None
    assert missing.note == "no community in 340302002"


def make_empty_street(world):
    from tests.factories import make_area

    return make_area("340302002000", AreaLevel.TOWNSHIP, world.district_a, "空街道")


def test_missing_population_gives_no_value_with_a_reason_never_zero_or_an_error(world):
    known_territory(world)
    services.aggregate(period=Period.parse("2021"), indicators=[RESIDENTS_PER_GRID])
    district = value_of("test.grids_per_thousand_residents", "340302000000", "2021")
    assert district.value is None
    assert district.note == "no resident population recorded for 340302 in 2021"
    services.aggregate(period=Period.parse("2020"), indicators=[RESIDENTS_PER_GRID])
    assert value_of("test.grids_per_thousand_residents", "340302000000").value == 2  # 2 / 1000 ‰
    grid = value_of("test.grids_per_thousand_residents", "340302001001001")
    assert grid.value is None and "340302001001001" in grid.note


def test_a_rerun_changes_nothing(world):
    known_territory(world)
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)

    def snapshot():
        return sorted(IndicatorValue.objects.values_list("indicator", "area__code", "period", "numerator",
                                                         "denominator", "value", "note"))

    first = snapshot()
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    assert snapshot() == first
    assert ReportRun.objects.filter(status=RunStatus.DONE).count() == 2


def test_a_run_makes_one_grouped_query_per_measure_not_per_area(world):
    known_territory(world)
    period = Period.parse("2020")
    with CaptureQueriesContext(connection) as few:
        services.aggregate(period=period)
    from tests.factories import make_area

    for i in range(2, 12):
        make_area(f"340303001{i:03d}", AreaLevel.COMMUNITY, world.street_b, f"社区{i}")
    with CaptureQueriesContext(connection) as many:
        services.aggregate(period=period)

    def reads(captured):  # inserts come in batches whose number grows with the values written
        return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]

    assert len(reads(many)) == len(reads(few))


def test_a_run_records_its_counts_timings_and_an_audit_row(world):
    known_territory(world)
    run = services.run_now(actor=world.city_admin, period="2020", trigger=RunTrigger.DASHBOARD)
    assert run.status == RunStatus.DONE
    assert run.values_written == IndicatorValue.objects.filter(run=run).count() > 0
    assert run.areas == Area.objects.count()
    assert set(run.timings) >= {"queries", "compute", "write"}
    assert run.started_at and run.finished_at
    assert AuditEvent.objects.filter(actor=world.city_admin, action="reports.run.request",
                                     target_id=str(run.pk)).exists()


def test_running_a_finished_run_again_does_nothing(world):
    run = services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    again = services.execute_run(run_id=run.pk)
    assert again.finished_at == run.finished_at
    assert ReportRun.objects.count() == 1


def test_an_officer_without_the_permission_cannot_start_a_run(world):
    from core.exceptions import NoPermission

    with pytest.raises(NoPermission):
        services.request_run(actor=world.officer_a, period="2020")


def test_the_command_aggregates_a_period(world, capsys):
    known_territory(world)
    call_command("aggregate_indicators", "--period", "2020")
    assert value_of("territory.resident_population", "340300000000").value == 6000
    assert "run #" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_period(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown period"):
        call_command("aggregate_indicators", "--period", "20x0")


def test_two_indicators_with_one_code_stop_start_up():
    first = registry.REGISTRY["territory.grids"]
    clash = Indicator(code=first.code, name="other", unit=Unit.COUNT, numerator=first.numerator,
                      lowest_level=AreaLevel.CITY)
    with pytest.raises(ImproperlyConfigured, match="territory.grids"):
        registry.register(clash)
    assert registry.REGISTRY["territory.grids"] is first


def test_demo_finish_aggregates_2020(world):
    from reports import demo

    known_territory(world)
    demo.load(scale=0.01)
    run = demo.finish(scale=0.01)
    assert run.period == "2020" and run.status == RunStatus.DONE
    assert value_of("territory.resident_population", "340300000000").value == 6000


def test_the_nightly_task_runs_this_year_quarter_and_month(world):
    from reports.tasks import aggregate_nightly

    assert aggregate_nightly() == [RunStatus.DONE] * 3
    assert ReportRun.objects.filter(trigger=RunTrigger.NIGHTLY).count() == 3


def test_the_nightly_run_is_in_the_beat_schedule():
    # The migration puts it there; a transactional test elsewhere in the same worker may have
    # flushed the table since, so the migration's step is run again here on an empty table.
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    step = importlib.import_module("reports.migrations.0003_nightly_schedule")
    PeriodicTask.objects.filter(task="reports.aggregate_nightly").delete()
    step.forwards(apps, None)
    step.forwards(apps, None)  # a re-run adds nothing
    task = PeriodicTask.objects.get(task="reports.aggregate_nightly")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("2", "30")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_a_run_while_another_holds_the_lock_is_skipped_and_says_so(world, is_postgres):
    if not is_postgres:
        pytest.skip("the single-run lock is a PostgreSQL advisory lock")
    from django.db import connections

    from core.locks import _key

    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_key(services.LOCK_NAME)])
    try:
        run = services.request_run(actor=None, period="2020", trigger=RunTrigger.COMMAND, enqueue=False)
        run = services.execute_run(run_id=run.pk)
        assert run.status == RunStatus.SKIPPED
        assert "Another aggregation run" in run.message
        assert not IndicatorValue.objects.exists()
    finally:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(services.LOCK_NAME)])
        other.close()


def test_a_count_with_no_records_is_zero_but_an_absent_population_is_missing(world):
    from reports.registry import Indicator

    known_territory(world)
    volunteers_like = Indicator(
        code="test.grids_counted", name="grids", unit=Unit.COUNT, lowest_level=AreaLevel.COMMUNITY,
        numerator=Measure(lambda p: Area.objects.filter(level=AreaLevel.GRID), area_path="id",
                          missing_reason="no grids in %(area)s"),
    )
    services.aggregate(period=Period.parse("2020"), indicators=[volunteers_like, registry.REGISTRY[
        "territory.resident_population"]])
    assert value_of("test.grids_counted", "340303001001").value == 0
    services.aggregate(period=Period.parse("2021"), indicators=[registry.REGISTRY["territory.resident_population"]])
    missing = value_of("territory.resident_population", "340302001001", "2021")
    assert missing.value is None and missing.note == "no resident population recorded for 340302001001 in 2021"
