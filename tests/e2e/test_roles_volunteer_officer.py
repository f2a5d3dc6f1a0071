"""The district's volunteer-service officer's day on a 390 px screen, pages only: register a
volunteer (a wrong ID number is refused beside the kept input), find them by part of the name,
reveal their phone with a reason (audited), and approve the hours a team's recorder entered."""

import datetime
import re

import pytest

from core.choices import Role
from core.models import AuditEvent
from tests.e2e.test_governance_daily_jobs_browser import fits
from tests.factories import id_number, staff
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import ServiceHourRecord, Volunteer


@pytest.mark.django_db(transaction=True)
def test_the_volunteer_officer_registers_finds_reveals_and_approves(world, login, page, live_server):
    officer = staff("zhiyuan", Role.VOLUNTEER_OFFICER, world.district_a)
    team = vf.team(world.community_a, manager=officer, name="和平社区助老志愿服务队", join_mode="open")
    served = vf.volunteer(world.community_a, name="赵德明")
    services.join_team(actor=None, team=team, volunteer=served)
    record = services.record_hours(actor=vf.recorder(team), volunteer=served, team=team, hours="3",
                                   service_date=datetime.date.today() - datetime.timedelta(days=2),
                                   description="陪同老人就医")
    vf.volunteer(world.community_a, name="钱秀英")  # another name that the search must leave out
    login(page, officer)

    # Register: a mistyped ID number is refused, with the reason beside the input that was kept.
    page.goto(f"{live_server.url}/volunteers/new/")
    fits(page)
    page.fill("#id_name", "李秀兰")
    page.fill("#id_id_number", "340302199001011230")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_area", label=world.community_a.name)
    page.click("#kit-form-main button[type=submit]")
    page.wait_for_selector("#refusal")
    assert "身份证" in page.locator("#refusal").inner_text() or "证件" in page.locator("#refusal").inner_text()
    assert page.input_value("#id_name") == "李秀兰" and page.input_value("#id_phone") == "13912345678"
    assert not Volunteer.objects.filter(name="李秀兰").exists()
    fits(page)
    page.fill("#id_id_number", id_number("340302", datetime.date(1990, 1, 1)))
    page.click("#kit-form-main button[type=submit]")
    page.wait_for_url(re.compile(r"/volunteers/\d+/$"))
    assert page.locator("h1").inner_text().startswith("李秀兰")
    registered = Volunteer.objects.get(name="李秀兰")

    # Search by part of the name.
    page.goto(f"{live_server.url}/volunteers/")
    page.fill("#filters [name=q]", "秀兰")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#volunteer-table tbody").inner_text()
    assert "李秀兰" in rows and "钱秀英" not in rows and "赵德明" not in rows
    fits(page)

    # Reveal the phone number with a reason: the number appears, the audit log keeps the reason.
    page.click("#volunteer-table tbody a:has-text('李秀兰')")
    page.wait_for_url(f"**{registered.get_absolute_url()}")
    assert "13912345678" not in page.content()
    box = page.locator(f"#pv-volunteer-{registered.pk}-phone")
    box.locator("summary").click()
    box.locator("input[name=reason]").fill("通知参加周六助老服务")
    box.locator("button[type=submit]").click()
    page.wait_for_selector(".revealed")
    assert page.locator(".revealed").inner_text() == "13912345678"
    assert AuditEvent.objects.filter(actor=officer, reason="通知参加周六助老服务").exists()
    fits(page)

    # Approve the hours the team's recorder entered: they leave the waiting list and count.
    page.goto(f"{live_server.url}{team.get_absolute_url()}")
    pending = page.locator("#pending-records")
    assert "赵德明" in pending.inner_text()
    fits(page)
    pending.locator("li:has-text('赵德明') button").click()
    page.wait_for_selector(".alert-success")
    assert "赵德明" not in page.locator("#pending-records").inner_text()
    assert ServiceHourRecord.objects.get(pk=record.pk).status == "approved"
    page.goto(f"{live_server.url}{served.get_absolute_url()}")
    assert page.locator("#approved-hours").inner_text() == "3"
    fits(page)
