"""A district officer on a 390 px screen, pages only: lists show their district's records and no
other's, another district's record is "not found" (404, even by its address), and the indicator
dashboard opens on their district, with only their district's areas to pick."""

import datetime

import pytest

from governance import services as governance
from governance.choices import DisputeType
from reports import services as reports
from reports.choices import RunTrigger
from tests.e2e.test_governance_daily_jobs_browser import fits
from tests.factories import volunteers as vf
from tests.factories.reports import known_territory


@pytest.mark.django_db(transaction=True)
def test_the_district_officer_sees_their_district_only_and_its_dashboard(world, login, page, live_server):
    known_territory(world)
    ours = vf.volunteer(world.community_a, name="龙子湖志愿者")
    theirs = vf.volunteer(world.community_b, name="蚌山志愿者")
    day = datetime.date.today() - datetime.timedelta(days=3)
    governance.register_dispute(actor=None, area=world.community_a, parties="孙家、周家", mediator="调解员甲",
                                dispute_type=DisputeType.values[0], received_on=day)
    other = governance.register_dispute(actor=None, area=world.community_b, parties="钱家、吴家",
                                        mediator="调解员乙", dispute_type=DisputeType.values[0], received_on=day)
    reports.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    login(page, world.officer_a)

    page.goto(f"{live_server.url}/volunteers/")
    listed = page.locator("#volunteer-table tbody").inner_text()
    assert "龙子湖志愿者" in listed and "蚌山志愿者" not in listed
    fits(page)
    page.goto(f"{live_server.url}/governance/disputes/")
    listed = page.locator("#dispute-table tbody").inner_text()
    assert "调解员甲" in listed and "调解员乙" not in listed
    fits(page)

    # Another district's records do not exist for them, even typed into the address bar.
    for url in (theirs.get_absolute_url(), other.get_absolute_url()):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 404, url
        assert "蚌山志愿者" not in page.content() and "调解员乙" not in page.content()
    response = page.goto(f"{live_server.url}{ours.get_absolute_url()}")
    assert response.status == 200

    # The dashboard opens on their district; the picker offers its areas only.
    page.goto(f"{live_server.url}/reports/?period=2020")
    assert page.locator("#dashboard-area").inner_text() == "龙子湖区"
    card = page.locator('.indicator-card[data-code="territory.resident_population"]')
    assert "1,000" in card.locator(".indicator-value").inner_text()
    options = page.locator("#id_area option").all_inner_texts()
    assert any("东风街道" in o for o in options) and not any("蚌山区" in o or "青年街道" in o for o in options)
    fits(page)
    page.goto(f"{live_server.url}/reports/?period=2020&area={world.district_b.code}")
    assert "蚌山区" not in page.locator("h1").inner_text()
    assert "3,000" not in page.locator("body").inner_text()
