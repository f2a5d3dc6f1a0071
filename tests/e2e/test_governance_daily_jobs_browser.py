"""The grid worker's and the community worker's daily job on a 390 px screen, pages only: the grid
worker raises a resident's matter and registers a dispute in the community of their grid; the
community worker finds the dispute, records its resolution, and checks the community's supervision
committee. No page scrolls sideways."""

import datetime

import pytest

from core.choices import Role
from governance.choices import DisputeOutcome
from governance.models import Dispute, Matter
from tests.e2e.test_governance_matter_walk import reference_data  # noqa: F401 (fixture)
from tests.factories import staff


def fits(page):
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(
        el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-responsive')
        && getComputedStyle(el).visibility !== 'hidden').slice(0, 5).map(el => el.outerHTML.slice(0, 120))""")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (page.url, wide)


@pytest.mark.django_db(transaction=True)
def test_the_grid_and_community_workers_daily_job(reference_data, world, login, page, live_server):  # noqa: F811
    grid_worker = staff("wangge", Role.GRID_WORKER, world.grid_a)
    login(page, grid_worker)
    page.goto(f"{live_server.url}/governance/matters/new/")
    fits(page)
    page.select_option("#id_area", label=world.community_a.name)
    page.fill("#id_title", "5号楼前路面塌陷")
    page.select_option("#id_category", label="环境卫生")
    page.fill("#id_raised_by_name", "钱大爷")
    page.click("#matter-form button[type=submit]")
    page.wait_for_url("**/governance/matters/*/")
    assert Matter.objects.filter(title="5号楼前路面塌陷", area=world.community_a).exists()
    assert page.locator("#progress [aria-current=step]").count() == 1
    fits(page)

    page.goto(f"{live_server.url}/governance/disputes/new/")
    page.select_option("#id_area", label=world.community_a.name)
    page.fill("#id_parties", "孙家、周家")
    page.fill("#id_mediator", "网格员")
    page.fill("#id_received_on", datetime.date.today().isoformat())
    page.click("#dispute-form button[type=submit]")
    page.wait_for_url("**/governance/disputes/")
    fits(page)

    page.context.clear_cookies()
    login(page, world.worker_a)
    page.goto(f"{live_server.url}/governance/disputes/")
    page.click("#dispute-table tbody a")
    page.wait_for_url("**/governance/disputes/*/")
    fits(page)
    page.fill("#dispute-resolve [name='agreement']", "周家修复漏水，双方和解")
    page.click("#dispute-resolve button[type=submit]")
    page.wait_for_load_state()
    dispute = Dispute.objects.get(parties="孙家、周家")
    assert dispute.outcome == DisputeOutcome.RESOLVED
    assert "双方和解" in page.locator("#dispute-facts").inner_text()

    page.goto(f"{live_server.url}/governance/supervision-committees/")
    fits(page)
    page.click(f"#coverage-list a:has-text('{world.community_a.name}')")
    page.wait_for_load_state()
    assert page.locator("#supervision-status").is_visible()
    fits(page)
