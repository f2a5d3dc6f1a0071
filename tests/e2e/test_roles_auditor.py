"""The auditor on a 390 px screen, pages only: signs in with the second factor (a wrong one-time
code is refused), then reads the audit log in words — who revealed which volunteer's phone and why,
who approved which hours — filtered by person, with no action codes on the page."""

import datetime

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import services as core_services
from tests.e2e.test_governance_daily_jobs_browser import fits
from tests.factories import volunteers as vf
from volunteers import services


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db(transaction=True)
def test_the_auditor_passes_the_second_factor_and_reads_the_log_in_words(world, login, page, live_server,
                                                                         settings):
    settings.PORTAL_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise throttle the right one
    device = TOTPDevice.objects.create(user=world.auditor, name="phone", confirmed=True)
    manager = vf.manager_user(world.community_a, "duizhang")
    team = vf.team(world.community_a, manager=manager, name="和平社区助老志愿服务队", join_mode="open")
    vol = vf.volunteer(world.community_a, name="郑美玲", phone="13955556666")
    services.join_team(actor=None, team=team, volunteer=vol)
    record = services.record_hours(actor=vf.recorder(team), volunteer=vol, team=team, hours="2",
                                   service_date=datetime.date.today() - datetime.timedelta(days=1))
    services.approve_record(actor=manager, record=record)
    core_services.reveal_personal_data(actor=world.officer_a, instance=vol, field="phone", reason="核实服务时长回访")

    login(page, world.auditor)
    page.goto(f"{live_server.url}/audit/")
    page.wait_for_url("**/accounts/otp/**")
    fits(page)
    page.fill("input[name=code]", "000000" if _code(device) != "000000" else "111111")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/otp/" in page.url and page.locator(".text-danger").count() >= 1
    page.fill("input[name=code]", _code(device))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/audit/**")

    # Who saw the phone number and why, in words.
    page.fill("#filters [name=actor]", "officer_a")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#audit-table tbody .audit-row")
    assert rows.count() >= 1
    reveal = page.locator("#audit-table tbody .audit-row:has-text('核实服务时长回访')")
    assert "志愿者 · 查看个人信息" in reveal.locator(".audit-action").inner_text()
    assert "郑美玲" in reveal.inner_text() and "13955556666" not in page.content()
    assert "duizhang" not in page.locator("#audit-table tbody").inner_text()
    fits(page)

    # Who approved the hours, with the change in words.
    page.fill("#filters [name=actor]", "duizhang")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    approval = page.locator("#audit-table tbody .audit-row:has-text('审核通过')").first
    assert "志愿服务记录 · 审核通过" in approval.locator(".audit-action").inner_text()
    assert "待审核 → 已审核" in approval.locator(".audit-changes").inner_text()
    actions = " ".join(page.locator("#audit-table .audit-action").all_inner_texts())
    assert "volunteers." not in actions and "core." not in actions
    fits(page)
