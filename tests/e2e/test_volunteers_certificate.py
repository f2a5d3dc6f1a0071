"""A team's recorder records hours and its manager approves them on a phone (one person never
does both), the volunteer downloads the certificate,
and a logged-out visitor verifies it."""

import pytest

from tests.factories import volunteers as vf
from volunteers.models import Certificate, ServiceHourRecord


@pytest.mark.django_db(transaction=True)
def test_recorder_records_manager_approves_then_volunteer_downloads_and_a_visitor_verifies(world, login, page,
                                                                                      live_server):
    manager = vf.manager_user(world.community_a, "team_manager")
    team = vf.team(world.community_a, manager=manager, name="和平社区志愿服务队")
    vol = vf.volunteer(world.community_a, user=vf.volunteer_user("xiaoming"), name="王小明")
    shift = vf.served(vf.past_shift(team, hours=3), vol)

    login(page, vf.recorder(team))
    page.goto(f"{live_server.url}{shift.get_absolute_url()}")
    assert "王小明" in page.locator("#signups").inner_text()
    page.fill("form.record-hours input[name=hours]", "2.5")
    page.fill("form.record-hours input[name=description]", "陪伴老人")
    page.click("form.record-hours button")

    page.context.clear_cookies()
    login(page, manager)
    page.goto(f"{live_server.url}{shift.get_absolute_url()}")
    page.click("button.approve-hours")
    page.wait_for_selector(".alert-success")
    record = ServiceHourRecord.objects.get()
    assert record.status == "approved" and record.chain_seq == 1

    page.context.clear_cookies()
    login(page, vol.user)
    page.goto(f"{live_server.url}/volunteers/me/")
    assert page.locator("#my-hours").inner_text() in ("2.5", "2.50")
    with page.expect_download() as download:
        page.click("button.get-certificate")
    assert download.value.suggested_filename.endswith(".pdf")
    cert = Certificate.objects.get()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/volunteers/certificates/")
    page.fill("input[name=code]", cert.number)
    page.click("#lookup-form button")
    facts = page.locator("#certificate-facts").inner_text()
    assert "王*明" in facts and "王小明" not in page.content()
    assert "2.5" in page.locator("#certified-hours").inner_text()
    assert cert.number in facts
