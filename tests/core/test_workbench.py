"""The workbench (工作台): each signed-in user lands on their own to-do (待办) and done (已办)."""

import datetime
import re

import pytest
from django.urls import reverse

from core import services as core_services
from core.models import Finding
from core.workbench import WorkItem, all_items, workbench_for
from tests.factories import governance as gov
from tests.factories import volunteers as vf

pytestmark = pytest.mark.django_db


def _count(html, key):
    m = re.search(rf'data-key="{re.escape(key)}".*?work-count">(\d+)<', html, re.S)
    assert m, f"no workbench line {key}"
    return int(m.group(1))


def test_a_community_worker_sees_the_matters_awaiting_an_answer_in_their_community_only(world, web):
    gov.grant_worker(world.worker_a, world.community_a)
    gov.raise_matter(world.community_a)
    gov.raise_matter(world.community_a)
    gov.raise_matter(world.community_b)
    html = web(world.worker_a).get(reverse("home")).content.decode()
    assert _count(html, "governance.answer") == 2
    assert reverse("governance:matter-list") + "?stage=raised" in html


def test_a_team_manager_sees_hours_awaiting_approval_and_counts_them_done_once_approved(world, web):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    vol = vf.volunteer(world.community_a)
    from volunteers import services as vs

    vs.join_team(actor=None, team=team, volunteer=vol)
    record = vs.record_hours(actor=None, volunteer=vol, team=team, hours=2,
                             service_date=datetime.date.today() - datetime.timedelta(days=1))
    html = web(manager).get(reverse("home")).content.decode()
    assert _count(html, "volunteers.hours") == 1
    vs.approve_record(actor=manager, record=record)
    html = web(manager).get(reverse("home")).content.decode()
    assert _count(html, "volunteers.hours") == 0
    done = html.split('id="done"')[1]
    assert _count(done, "volunteers.hours") == 1


def test_findings_in_the_inbox_are_to_do_and_closing_one_is_done(world, web):
    finding = Finding.objects.create(rule="test.rule", title="缺少会议记录", target_type="core.area",
                                     target_id=str(world.community_a.pk), area=world.community_a,
                                     level=world.community_a.level)
    work = workbench_for(world.worker_a)
    assert {t["key"]: t["count"] for t in work["todo"]}["core.findings"] == 1
    core_services.close_finding(actor=world.worker_a, finding=finding, status="resolved", resolution="已补齐")
    work = workbench_for(world.worker_a)
    assert {t["key"]: t["count"] for t in work["todo"]}["core.findings"] == 0
    assert {d["key"]: d["count"] for d in work["done"]}["core.findings"] == 1
    html = web(world.worker_a).get(reverse("home")).content.decode()
    assert "已补齐" not in html and "recent-done" in html


def test_the_other_apps_contribute_their_items_through_the_registry():
    keys = {i.key for i in all_items()}
    assert {"core.findings", "governance.answer", "governance.publish", "volunteers.hours",
            "grids.incidents", "child_care.visits", "social_orgs.revocations"} <= keys
    assert all(isinstance(i, WorkItem) for i in all_items())


def test_a_user_without_a_role_has_an_empty_workbench(world, web):
    work = workbench_for(world.outsider)
    assert work["todo"] == [] and work["todo_total"] == 0
    assert web(world.outsider).get(reverse("home")).status_code == 200
