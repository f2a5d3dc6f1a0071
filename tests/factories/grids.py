"""Factories of the grids app: grids, workers with their staff records, quotas, incidents."""

import datetime
import itertools
from decimal import Decimal

from core import services as core_services
from core.choices import AreaLevel
from grids import services
from grids.choices import PostType, Priority, Source
from grids.models import ChecklistItem, IncidentCategory
from tests.factories import id_number, make_area

_n = itertools.count(1)


def grid(community, seq=None, name=""):
    seq = seq or (next(_n) % 900) + 50
    return make_area(f"{community.code}{seq:03d}", AreaLevel.GRID, community, name or f"第{seq}网格")


def staff_profile(area, name=None):
    from tests.factories import UserFactory

    user = UserFactory()
    return core_services.save_staff_profile(actor=None, user=user, area=area, full_name=name or f"工作者{user.pk}",
                                            id_number=id_number(area.code[:6]), phone="13900000000")


def quota(community, year=2020, approved=5):
    return services.set_post_quota(actor=None, area=community, year=year, approved=approved)


def worker(community, post_type=PostType.OTHER, grade=3, pay=Decimal("3800"), hired_on=datetime.date(2020, 3, 1),
           **kwargs):
    from grids.models import PostQuota

    q = PostQuota.objects.filter(area=community, year=hired_on.year).first()
    if q is None:
        quota(community, hired_on.year, approved=100)
    elif q.vacant < 1:
        services.set_post_quota(actor=None, area=community, year=hired_on.year, approved=q.approved + 10)
    return services.hire_worker(actor=None, staff=staff_profile(community), area=community, post_type=post_type,
                                grade=grade, monthly_pay=pay, hired_on=hired_on, **kwargs)


def category(code="garbage"):
    return IncidentCategory.objects.get(code=code)


def incident(grid_area, code="garbage", actor=None, **kwargs):
    kwargs.setdefault("source", Source.RESIDENT)
    kwargs.setdefault("description", "楼道堆放垃圾")
    kwargs.setdefault("priority", Priority.NORMAL)
    return services.file_incident(actor=actor, area=grid_area, category=category(code), **kwargs)


def plan(grid_area, codes=("safety", "fire"), starts_on=datetime.date(2020, 1, 1)):
    return services.create_patrol_plan(actor=None, area=grid_area, title="日常巡查", starts_on=starts_on,
                                       items=list(ChecklistItem.objects.filter(code__in=codes)))


def community(world):
    """A fresh urban community in district A (its own quota, pilot…)."""
    from core.choices import AreaLevel as L

    return make_area(f"{world.street_a.code[:9]}{(next(_n) % 800) + 100:03d}", L.COMMUNITY, world.street_a)


def service_item(code="elderly_allowance"):
    from grids.models import ServiceItem

    return ServiceItem.objects.get(code=code)


def window_request(community, on_the_spot=False, actor=None, **kwargs):
    kwargs.setdefault("resident_name", "李秀英")
    kwargs.setdefault("request", "申请高龄津贴")
    if on_the_spot:
        kwargs.setdefault("result", "已当场答复")
    else:
        kwargs.setdefault("back_office", "街道民政办")
    return services.receive_window_request(actor=actor, area=community, item=service_item(kwargs.pop(
        "item_code", "elderly_allowance")), on_the_spot=on_the_spot, **kwargs)


def cert_type(code="residence"):
    from grids.models import CertificateType

    return CertificateType.objects.get(code=code)


def certificate(community, code="residence", actor=None):
    return services.issue_certificate(actor=actor, area=community, cert_type=cert_type(code), resident_name="王小明",
                                      purpose="子女入学")


def task(community, listed=True, actor=None):
    from grids.models import WorkItem

    item = WorkItem.objects.get(code="census") if listed else None
    return services.push_task(actor=actor, area=community, department="区统计局", title="人口抽样调查", item=item)
