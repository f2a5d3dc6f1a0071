"""A volunteer team's recorder and manager on a 390 px screen, pages only (谁组织谁记录): the
recorder records the hours each volunteer served on yesterday's shift (a day of 30 hours is refused
beside the kept input) and sees no approval button; the manager cannot approve hours they recorded
themselves (refused on the page, the reason shown), and approves the recorder's."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.test_governance_daily_jobs_browser import fits
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import ServiceHourRecord, SignUp


@pytest.mark.django_db(transaction=True)
def test_the_recorder_records_a_shift_and_the_manager_approves_only_what_others_recorded(world, login, page,
                                                                                        live_server):
    manager = vf.manager_user(world.community_a, "duizhang")
    team = vf.team(world.community_a, manager=manager, name="和平社区文明交通志愿服务队", join_mode="open")
    recorder = vf.recorder(team)
    wang, li = (vf.volunteer(world.community_a, name=n) for n in ("王桂英", "李建华"))
    for vol in (wang, li):
        services.join_team(actor=None, team=team, volunteer=vol)
    shift = vf.past_shift(team, hours=3)
    for vol in (wang, li):
        services.sign_up(actor=None, shift=shift, volunteer=vol)
    shift = vf.move_to_past(shift)
    SignUp.objects.filter(shift=shift).update(status="checked_out", checked_in_at=shift.starts_at,
                                              checked_out_at=shift.ends_at)

    # The recorder: hours of the shift for 王桂英, on the shift's page.
    login(page, recorder)
    page.goto(f"{live_server.url}{shift.get_absolute_url()}")
    fits(page)
    row = page.locator("#signups .list-group-item:has-text('王桂英')")
    row.locator("input[name=hours]").fill("2.5")
    row.locator("input[name=description]").fill("路口文明劝导")
    row.locator("button:has-text('记录')").click()
    page.wait_for_selector(".alert-success")
    assert "2.5" in page.locator("#signups .list-group-item:has-text('王桂英')").inner_text()
    assert page.locator("button.approve-hours").count() == 0  # recording is not approving
    fits(page)

    # A day of 30 hours for 李建华 on the team's hours page: refused, the reason beside the input kept.
    page.goto(f"{live_server.url}/volunteers/teams/{team.pk}/hours/new/")
    page.select_option("#id_volunteer", label="李建华")
    page.fill("#id_service_date", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_hours", "30")
    page.fill("#id_description", "交通劝导")
    page.click("#kit-form-main button[type=submit]")
    page.wait_for_selector("#refusal")
    assert "24" in page.locator("#refusal").inner_text()
    assert page.input_value("#id_hours") == "30" and page.input_value("#id_description") == "交通劝导"
    assert not ServiceHourRecord.objects.filter(volunteer=li).exists()
    fits(page)

    # The manager records 李建华's hours themselves, then may not approve them: the page says why.
    page.context.clear_cookies()
    login(page, manager)
    page.goto(f"{live_server.url}/volunteers/teams/{team.pk}/hours/new/")
    page.select_option("#id_volunteer", label="李建华")
    page.fill("#id_service_date", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_hours", "3")
    page.click("#kit-form-main button[type=submit]")
    page.wait_for_url(f"**{team.get_absolute_url()}")
    page.locator("#pending-records li:has-text('李建华') button").click()
    page.wait_for_selector(".alert-danger")
    assert "须由队伍的另一位管理员审核" in page.locator(".alert-danger").inner_text()
    assert ServiceHourRecord.objects.get(volunteer=li).status == "submitted"
    fits(page)

    # ... and approves the recorder's on the shift's page.
    page.goto(f"{live_server.url}{shift.get_absolute_url()}")
    page.click("#signups .list-group-item:has-text('王桂英') button.approve-hours")
    page.wait_for_selector(".alert-success")
    record = ServiceHourRecord.objects.get(volunteer=wang)
    assert record.status == "approved" and record.approved_by == manager and record.recorded_by == recorder
    assert page.locator("#signups .list-group-item:has-text('王桂英') .record-status").inner_text() == "已审核"
    fits(page)
