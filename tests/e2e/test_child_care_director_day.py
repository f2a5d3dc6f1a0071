"""A child director's (儿童主任) day on a 390 px phone: the due list, a visit recorded; an overdue visit
left alone reaches the township supervisor's inbox; the auditor finds both directors' reads of the child
in its access log."""

import datetime

import pytest
from django.urls import reverse

from child_care import services
from core import supervision
from core.models import Finding
from tests.factories import staff
from tests.factories.child_care import named_child


@pytest.fixture
def roles(db):
    """The transaction flush removes what data migrations seeded: the roles again."""
    from importlib import import_module

    from django.apps import apps

    for module in ("core.migrations.0002_roles", "child_care.migrations.0002_roles",
                   "child_care.migrations.0004_roles_roster_rescue_consent"):
        import_module(module).forwards(apps, None)


def test_a_director_records_a_visit_an_overdue_one_escalates_and_the_auditor_sees_the_reads(
        world, login, page, live_server):
    director = staff("director_a", "child_director", world.community_a)
    supervisor = staff("supervisor_a", "child_supervisor", world.street_a)
    today = datetime.date.today()
    visited = named_child(world.community_a, "赵小芳", datetime.date(2014, 3, 3), male=False)
    forgotten = named_child(world.community_a, "孙小雨", datetime.date(2013, 6, 6), male=False)
    services.schedule_visit(actor=None, person=visited, visitor=director, due_on=today + datetime.timedelta(days=3))
    late = services.schedule_visit(actor=None, person=forgotten, visitor=director,
                                   due_on=today - datetime.timedelta(days=40))

    # The director's phone: the due list, then the visit form, filled in and saved.
    login(page, director)
    page.goto(f"{live_server.url}{reverse('child_care:my-visits')}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "孙小雨" in page.locator("#overdue").inner_text()
    page.locator("#due-soon a", has_text="赵小芳").click()
    page.fill("[name=life]", "祖母照料，生活正常")
    page.fill("[name=safety]", "无安全隐患")
    page.click("#visit-form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("child_care:my-visits")), page.locator("main, body").first.inner_text()[:800]
    assert "赵小芳" not in page.locator("#due-soon").inner_text()
    assert visited.visits.filter(status="done").count() == 1

    # Nobody records the late visit: the nightly checks raise it, then move it up to the supervisor.
    supervision.run_all(today=late.due_on + datetime.timedelta(days=1), only=["child_care.visit_overdue"])
    finding = Finding.objects.get(rule="child_care.visit_overdue", target_id=str(late.pk))
    supervision.run_all(today=finding.due_date + datetime.timedelta(days=1))  # the nightly run, escalation included
    assert Finding.objects.inbox(supervisor).filter(pk=finding.pk).exists()
    page.context.clear_cookies()
    login(page, supervisor)
    page.goto(f"{live_server.url}{reverse('finding-list')}")
    assert "孙*" in page.content()
    page.goto(f"{live_server.url}{reverse('child_care:person-detail', args=[forgotten.pk])}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The auditor: who looked at 孙小雨 — the director (due list, her visit) and the supervisor (her record).
    auditor = staff("auditor_a", "auditor", world.district_a)
    page.context.clear_cookies()
    login(page, auditor)
    page.goto(f"{live_server.url}{reverse('child_care:access-log', args=[forgotten.pk])}")
    log = page.locator("#access-log").inner_text()
    assert "director_a" in log and "supervisor_a" in log
