"""Grid profiles, workers, posts, grades and pilots: the rules, each with bad input."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import services as core_services
from core.choices import AreaLevel
from core.models import AreaPopulation
from grids import services
from grids.choices import AssignmentRole, PilotKind, PostType, WorkerStatus
from grids.models import PostQuota
from tests.factories import grids as f
from tests.factories import population

pytestmark = pytest.mark.django_db


def test_a_grid_profile_keeps_its_own_figures_out_of_the_community_population(world):
    population(world.community_a, resident=5000, registered=5200)
    profile = services.save_grid_profile(actor=world.worker_a, area=world.grid_a, households=420, residents=1300)
    assert profile.residents == 1300
    assert list(AreaPopulation.objects.values_list("area__code", "resident")) == [(world.community_a.code, 5000)]


def test_a_profile_belongs_to_a_grid_not_a_community(world):
    with pytest.raises(ValidationError):
        services.save_grid_profile(actor=None, area=world.community_a, households=1)


def test_a_published_board_needs_a_service_phone_and_a_complaints_phone(world):
    with pytest.raises(ValidationError) as exc:
        services.save_grid_profile(actor=None, area=world.grid_a, contact_name="杨帆", published=True)
    assert "published" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.save_grid_profile(actor=None, area=world.grid_a, service_phone="call me")


def test_a_grid_that_does_not_extend_its_community_is_refused_by_core(world):
    with pytest.raises(ValidationError):
        core_services.create_area(actor=None, code="340303001001002", name="错网格", level=AreaLevel.GRID,
                                  kind="urban", parent_code=world.community_a.code)


def test_a_person_is_counted_once(world):
    f.quota(world.community_a, approved=5)
    staff = f.staff_profile(world.community_a)
    services.hire_worker(actor=None, staff=staff, area=world.community_a, post_type=PostType.OTHER, grade=2,
                         monthly_pay=Decimal("3600"), hired_on=datetime.date(2020, 2, 1))
    with pytest.raises(ValidationError) as exc:
        services.hire_worker(actor=None, staff=staff, area=world.community_a, post_type=PostType.OTHER, grade=2,
                             monthly_pay=Decimal("3600"), hired_on=datetime.date(2020, 2, 1))
    assert "staff" in exc.value.message_dict


def test_posts_are_filled_only_up_to_the_approved_number(world):
    f.quota(world.community_a, approved=1)
    services.hire_worker(actor=None, staff=f.staff_profile(world.community_a), area=world.community_a,
                         post_type=PostType.OTHER, grade=2, monthly_pay=Decimal("3600"),
                         hired_on=datetime.date(2020, 2, 1))
    quota = PostQuota.objects.get(area=world.community_a, year=2020)
    assert (quota.approved, quota.filled, quota.vacant, quota.vacant_since) == (1, 1, 0, None)
    with pytest.raises(ValidationError) as exc:
        services.hire_worker(actor=None, staff=f.staff_profile(world.community_a), area=world.community_a,
                             post_type=PostType.OTHER, grade=2, monthly_pay=Decimal("3600"),
                             hired_on=datetime.date(2020, 2, 1))
    assert "area" in exc.value.message_dict


def test_grade_and_pay_follow_the_dated_rule_of_the_post(world):
    f.quota(world.community_a)
    staff = f.staff_profile(world.community_a)
    with pytest.raises(ValidationError) as exc:  # a deputy holds grades 4-15
        services.hire_worker(actor=None, staff=staff, area=world.community_a, post_type=PostType.DEPUTY, grade=2,
                             monthly_pay=Decimal("5000"), hired_on=datetime.date(2020, 2, 1))
    assert "grade" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # not below the level of management grade 9
        services.hire_worker(actor=None, staff=staff, area=world.community_a, post_type=PostType.DEPUTY, grade=5,
                             monthly_pay=Decimal("3000"), hired_on=datetime.date(2020, 2, 1))
    assert "事业单位管理岗9级" in str(exc.value.message_dict["monthly_pay"])
    worker = services.hire_worker(actor=None, staff=staff, area=world.community_a, post_type=PostType.DEPUTY,
                                  grade=5, monthly_pay=Decimal("4000"), hired_on=datetime.date(2020, 2, 1))
    services.set_grade(actor=None, worker=worker, grade=6, monthly_pay=Decimal("4300"),
                       since=datetime.date(2023, 2, 1), reason="三年晋级")
    assert [g.grade for g in worker.grade_changes.all()] == [5, 6]
    with pytest.raises(ValidationError):  # no rule before 2020
        services.set_grade(actor=None, worker=worker, grade=7, monthly_pay=Decimal("4400"),
                           since=datetime.date(2019, 2, 1), reason="x")


def test_a_worker_assigned_outside_their_community_is_refused(world):
    worker = f.worker(world.community_a)
    other_grid = f.grid(world.community_b, 1)
    with pytest.raises(ValidationError) as exc:
        services.assign_to_grid(actor=None, worker=worker, grid=other_grid, role=AssignmentRole.PRIMARY,
                                starts_on=datetime.date(2020, 3, 1))
    assert "grid" in exc.value.message_dict
    a = services.assign_to_grid(actor=None, worker=worker, grid=world.grid_a, role=AssignmentRole.PRIMARY,
                                starts_on=datetime.date(2020, 3, 1))
    assert a.area == world.grid_a


def test_a_leaving_worker_frees_the_post_and_ends_the_assignments(world):
    worker = f.worker(world.community_a)
    services.assign_to_grid(actor=None, worker=worker, grid=world.grid_a, role=AssignmentRole.PRIMARY,
                            starts_on=datetime.date(2020, 3, 1))
    services.worker_leaves(actor=None, worker=worker, left_on=datetime.date(2020, 6, 30), reason="辞职")
    worker.refresh_from_db()
    assert worker.status == WorkerStatus.LEFT
    assert worker.assignments.get().ends_on == datetime.date(2020, 6, 30)
    quota = PostQuota.objects.get(area=world.community_a, year=2020)
    assert quota.filled == 0 and quota.vacant_since is not None


def test_a_pilot_is_a_community_once_per_year_and_kind(world):
    services.add_pilot(actor=world.officer_a, area=world.community_a, year=2020, kind=PilotKind.GENERALIST)
    with pytest.raises(ValidationError):
        services.add_pilot(actor=world.officer_a, area=world.community_a, year=2020, kind=PilotKind.GENERALIST)
    with pytest.raises(ValidationError):
        services.add_pilot(actor=None, area=world.grid_a, year=2020, kind=PilotKind.SMART)


def test_a_redivision_keeps_the_grids_records_on_the_retired_grid(world):
    incident = f.incident(world.grid_a)
    core_services.redivide_areas(actor=None, retire=[world.grid_a.code], create=[
        {"code": world.community_a.code + "002", "name": "第2网格", "level": AreaLevel.GRID, "kind": "urban",
         "parent_code": world.community_a.code}], on=datetime.date(2021, 1, 1), reason="网格调整")
    incident.refresh_from_db()
    assert incident.area == world.grid_a  # records keep the area they were made in
