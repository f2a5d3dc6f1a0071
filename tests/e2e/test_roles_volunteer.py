"""A volunteer in their own account on a phone, pages only: lands on "my service" (not the staff
workbench), signs up for a shift of their team, checks in with the shift's code (a wrong code is
refused with the reason), asks the team to correct a record, and downloads their certificate."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.test_governance_daily_jobs_browser import fits
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import Certificate, CorrectionRequest, SignUp


@pytest.mark.django_db(transaction=True)
def test_the_volunteer_signs_up_checks_in_asks_a_correction_and_downloads_a_certificate(world, login, page,
                                                                                       live_server):
    manager = vf.manager_user(world.community_a, "duizhang")
    team = vf.team(world.community_a, manager=manager, name="和平社区助老志愿服务队", join_mode="open")
    me = vf.volunteer(world.community_a, user=vf.volunteer_user("xiaohong"), name="周小红")
    services.join_team(actor=None, team=team, volunteer=me)
    record = services.record_hours(actor=vf.recorder(team), volunteer=me, team=team, hours="2",
                                   service_date=timezone.localdate() - datetime.timedelta(days=3),
                                   description="陪伴独居老人")
    services.approve_record(actor=manager, record=record)
    activity = services.create_activity(actor=None, team=team, title="重阳节敬老义剪")
    start = timezone.now() + datetime.timedelta(minutes=30)
    shift = services.create_shift(actor=None, activity=activity, place="和平社区党群服务中心", starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=2), quota=5)

    login(page, me.user)
    page.wait_for_url("**/volunteers/me/")
    assert page.locator("#my-hours").inner_text() == "2"
    fits(page)

    # Sign up for the open shift of the team.
    page.click("#open-shifts li:has-text('重阳节敬老义剪') button")
    page.wait_for_selector(".alert-success")
    assert "重阳节敬老义剪" in page.locator("body").inner_text()
    assert page.locator("#open-shifts").count() == 0
    assert SignUp.objects.get(shift=shift, volunteer=me).status == "signed_up"

    # Check in: a wrong code is refused with the reason, the right one checks in.
    page.fill("#checkin-form input[name=code]", "ZZZZZZ")
    page.click("#checkin-form button")
    page.wait_for_selector(".alert-danger")
    assert "您没有使用此签到码的班次" in page.locator("#checkin-form .alert-danger").inner_text()  # beside the form
    assert page.input_value("#checkin-form input[name=code]") == "ZZZZZZ"  # what was typed, kept
    page.fill("#checkin-form input[name=code]", shift.checkin_code.lower())
    page.click("#checkin-form button")
    page.wait_for_selector(".alert-success")
    assert "已签到" in page.locator(".alert-success").inner_text()
    assert SignUp.objects.get(shift=shift, volunteer=me).status == "checked_in"
    fits(page)

    # Ask the team to correct a record: without the hours it is refused beside the form, the text kept.
    item = page.locator("#my-records .list-group-item").first
    item.locator("summary").click()
    item.locator("[name=reason]").fill("实际服务到11点，少记一小时")
    item.locator("[name=requested_hours]").evaluate("e => e.removeAttribute('required')")
    item.locator("button").click()
    page.wait_for_selector("#my-records .alert-danger")
    item = page.locator("#my-records .list-group-item").first
    assert "正确时长：" in item.locator(".alert-danger").inner_text() or "正确时长:" in item.locator(".alert-danger").inner_text()
    assert item.locator("[name=reason]").input_value() == "实际服务到11点，少记一小时"
    fits(page)
    item.locator("[name=requested_hours]").fill("3")
    item.locator("button").click()
    page.wait_for_selector(".alert-success")
    assert "15天" in page.locator(".alert-success").inner_text()
    assert "3 h" in page.locator("#my-corrections").first.inner_text()
    assert CorrectionRequest.objects.get(record=record).status == "open"
    fits(page)

    # Download the certificate of the approved hours.
    with page.expect_download() as download:
        page.click("button.get-certificate")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert Certificate.objects.get(volunteer=me).hours == 2
