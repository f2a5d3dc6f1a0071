"""A patrol on a 390 px phone: the grid worker records a visit with a photo from the camera and a finding,
the finding opens an incident routed to the district's department, which handles it; the grid worker
verifies it on the spot and the community closes it; the counters of the incident list move."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from grids import services
from grids.choices import State, UnitKind
from grids.models import Incident, PatrolVisit
from tests.factories import grids as f
from tests.factories import staff


@pytest.fixture
def reference_data(db):
    """The transaction flush removes what data migrations seeded: roles, categories, checklist again."""
    from importlib import import_module

    from django.apps import apps

    for module in ("core.migrations.0002_roles", "grids.migrations.0002_roles_and_reference_data",
                   "grids.migrations.0004_roles_window_certificates",
                   "grids.migrations.0005_officers_hold_the_community_desks_rights"):
        import_module(module).forwards(apps, None)


def png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 60, 40)).save(buf, "PNG")
    return buf.getvalue()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def counters(page, live_server):
    page.goto(f"{live_server.url}{reverse('grids:incident-list')}")
    no_sideways_scroll(page)
    return {el.get_attribute("data-counter"): int(el.locator(".fw-bold").inner_text())
            for el in page.locator("#incident-counters [data-counter]").all()}


def step(page, name, fields=None, selects=None):
    page.locator(f"details:has(button[value='{name}'])").evaluate("el => el.open = true")
    for field, value in (fields or {}).items():
        page.fill(f"[name='{name}-{field}']", str(value))
    for field, value in (selects or {}).items():
        page.select_option(f"[name='{name}-{field}']", str(value))
    page.click(f"button[value='{name}']")
    page.wait_for_load_state()


def switch(page, login, user, url):
    page.context.clear_cookies()
    login(page, user)
    page.goto(url)


def test_a_patrol_finding_becomes_an_incident_that_is_handled_verified_and_closed(
        reference_data, world, login, page, live_server):
    gridder = staff("gridder_a", Role.GRID_WORKER, world.grid_a)
    services.save_grid_profile(actor=None, area=world.grid_a, households=400, residents=1200,
                               contact_name="杨帆", service_phone="0552-3000001", complaints_phone="0552-12345",
                               published=True)
    f.plan(world.grid_a, codes=("safety", "fire"))
    department = services.save_handling_unit(actor=None, area=world.district_a, name="龙子湖区城市管理局",
                                             kind=UnitKind.DEPARTMENT)
    services.save_routing_rule(actor=None, category=f.category("environment"), area=world.district_a,
                               unit=department)

    # The grid worker's phone: the incident counters, then their grid and its plan.
    login(page, gridder)
    before = counters(page, live_server)
    assert before == {"closed_on_time": 0, "pending_on_time": 0, "closed_overdue": 0, "pending_overdue": 0}
    page.goto(f"{live_server.url}{reverse('grids:profile-list')}")
    page.locator("#profile-table a", has_text=world.grid_a.code).first.click()
    page.wait_for_load_state()
    no_sideways_scroll(page)
    page.locator("a", has_text="记录巡查").first.click()
    page.wait_for_load_state()
    no_sideways_scroll(page)

    # The visit: start and end, objects, a problem found on one item, a photo from the camera, a finding.
    now = timezone.localtime()
    page.fill("[name=started_at]", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=ended_at]", (now - datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=objects_visited]", "3栋出租房、沿街商铺")
    page.check("[name=item_safety][value=issue]")
    photo = page.locator("input[type=file][name=photo]")
    assert photo.get_attribute("capture") == "environment" and photo.get_attribute("accept") == "image/*"
    photo.set_input_files(files=[{"name": "photo.png", "mimeType": "image/png", "buffer": png()}])
    page.select_option("[name=finding_category]", label="市容环境 / 垃圾堆放")
    page.fill("[name=finding_description]", "3栋楼道堆放杂物，堵塞通道")
    page.fill("[name=finding_place]", "3栋2单元")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/grids/visits/*/")
    no_sideways_scroll(page)
    visit = PatrolVisit.objects.get()
    assert visit.worker == gridder and visit.photo and visit.answers["safety"] == "issue"
    assert "下载照片" in page.content()
    assert "发现问题" in page.content() and ": issue" not in page.content()  # the answer in words, not its code

    # The finding opened an incident routed to the department by the rule.
    page.locator("a", has_text="SJ").first.click()
    page.wait_for_load_state()
    incident = Incident.objects.get()
    assert (incident.visit, incident.state, incident.unit) == (visit, State.ROUTED, department)
    assert page.locator("#incident-unit").inner_text() == "龙子湖区城市管理局"
    no_sideways_scroll(page)
    after_filing = counters(page, live_server)
    assert after_filing["pending_on_time"] == before["pending_on_time"] + 1
    url = f"{live_server.url}{incident.get_absolute_url()}"

    # The district's department starts and handles it.
    switch(page, login, world.officer_a, url)
    step(page, "start", {"note": "已派执法队员"})
    # Handled without saying what was done: refused beside the form, nothing changes.
    page.locator("details:has(button[value='resolve'])").evaluate("el => el.open = true")
    page.locator("[name='resolve-note']").evaluate("el => el.removeAttribute('required')")
    page.click("button[value='resolve']")
    page.wait_for_load_state()
    assert page.locator("details[open]:has(button[value='resolve']) .text-danger").count() == 1
    assert Incident.objects.get().state == State.IN_PROGRESS
    step(page, "resolve", {"note": "杂物已清理，通道畅通"})
    assert page.locator("#incident-state").inner_text() == "已处置"

    # The grid worker verifies on the spot; the community closes it with the reporter's satisfaction.
    switch(page, login, gridder, url)
    step(page, "verify", {"note": "现场核实已清理"})
    assert page.locator("#incident-state").inner_text() == "已核查"
    switch(page, login, world.worker_a, url)
    step(page, "close", selects={"satisfaction": "5"})
    no_sideways_scroll(page)
    incident.refresh_from_db()
    assert (incident.state, incident.satisfaction, incident.closed_on) == (State.CLOSED, 5, timezone.localdate())
    steps = list(incident.events.values_list("to_state", "actor__username"))
    assert steps == [("filed", "gridder_a"), ("routed", "gridder_a"), ("in_progress", "officer_a"),
                     ("resolved", "officer_a"), ("verified", "gridder_a"), ("closed", "worker_a")]

    # The counters moved: one closed on time, none pending.
    after = counters(page, live_server)
    assert after["closed_on_time"] == before["closed_on_time"] + 1
    assert after["pending_on_time"] == before["pending_on_time"]
