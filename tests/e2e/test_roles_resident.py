"""A resident on a phone, signed out, public pages only: finds their community in the index by
part of its name, reads the matters it has published (in progress and closed, without the names of
the people who raised them), and checks a volunteer's certificate by pasting its QR code's link (an
unknown code is "not found", kept in the box; never an error page)."""

import datetime

import pytest

from governance.choices import Stage
from tests.e2e.test_governance_daily_jobs_browser import fits
from tests.e2e.test_governance_matter_walk import reference_data  # noqa: F401 (fixture)
from tests.factories import volunteers as vf
from tests.factories.governance import Walker, raise_matter
from volunteers import services


@pytest.mark.django_db(transaction=True)
def test_a_resident_reads_the_case_files_and_checks_a_certificate(reference_data, world, page,  # noqa: F811
                                                                   live_server, _e2e_settings):
    closed = Walker(world.community_a).to(Stage.CLOSED)
    open_matter = raise_matter(world.community_a, title="小区停车位规划")  # raised by 张三
    raise_matter(world.community_b, title="胜利社区的事项")
    manager = vf.manager_user(world.community_a, "duizhang")
    team = vf.team(world.community_a, manager=manager, name="和平社区助老志愿服务队", join_mode="open")
    vol = vf.volunteer(world.community_a, name="韩雪梅")
    services.join_team(actor=None, team=team, volunteer=vol)
    # (the governance reference data re-seeded above leaves the test's staff roles aside: the system records)
    record = services.record_hours(actor=None, volunteer=vol, team=team, hours="4",
                                   service_date=datetime.date.today() - datetime.timedelta(days=5))
    services.approve_record(actor=None, record=record)
    cert = services.issue_certificate(actor=None, volunteer=vol, team=team)

    # The community index, searched by part of the name.
    page.goto(f"{live_server.url}/public/governance/")
    fits(page)
    page.fill("#public-q", "和平")
    page.click("form[role=search] button")
    page.wait_for_load_state()
    listed = page.locator("#public-communities").inner_text()
    assert world.community_a.name in listed and world.community_b.name not in listed
    page.click(f"#public-communities a:has-text('{world.community_a.name}')")
    page.wait_for_url(f"**/public/governance/{world.community_a.code}/")
    assert "小区停车位规划" in page.locator("#public-in-progress").inner_text()
    assert closed.ref in page.locator("#public-closed").inner_text()
    assert "胜利社区的事项" not in page.content()
    fits(page)

    # A matter's public case file: the facts, not who raised it.
    page.click(f"#public-in-progress a:has-text('{open_matter.ref}')")
    page.wait_for_load_state()
    assert "小区停车位规划" in page.locator("h1").inner_text()
    assert "百姓点事" in page.locator("#case-file").inner_text()
    assert "张三" not in page.content()
    fits(page)
    page.go_back()
    page.click(f"#public-closed a:has-text('{closed.ref}')")
    page.wait_for_load_state()
    assert page.locator("#case-file").is_visible() and "张三" not in page.content()
    fits(page)

    # The certificate check: an unknown code is "not found" and stays in the box; the QR code's own
    # link, pasted, finds the certificate.
    page.goto(f"{live_server.url}/public/volunteers/certificates/")
    fits(page)
    page.fill("#lookup-form input[name=code]", "ZYZM/../../不存在")
    with page.expect_response(lambda r: "/public/volunteers/certificates/" in r.url) as response:
        page.click("#lookup-form button")
    assert response.value.status == 404  # "not found", in words on the page; never an error page
    assert "没有" in page.locator("p.text-danger").inner_text()
    assert page.input_value("#lookup-form input[name=code]") == "ZYZM/../../不存在"
    page.fill("#lookup-form input[name=code]", f"{live_server.url}{cert.get_verify_url()}")
    page.click("#lookup-form button")
    page.wait_for_selector("#certificate-facts")
    assert "真实有效" in page.locator("#certificate-status").inner_text()
    assert page.locator("#masked-name").inner_text() == "韩*梅" and "韩雪梅" not in page.content()
    assert page.locator("#certified-hours").inner_text() == "4"
    fits(page)
