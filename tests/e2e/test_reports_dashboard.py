"""The city administrator opens the indicator dashboard, drills from the city into a district by
clicking its bar in a chart, and exports the district's table as XLSX."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports import services
from reports.choices import RunTrigger
from tests.factories.reports import known_territory


@pytest.mark.django_db(transaction=True)
def test_city_admin_drills_from_the_city_into_a_district_and_exports_xlsx(world, login, page, live_server):
    known_territory(world)
    services.run_now(actor=None, period="2020", trigger=RunTrigger.COMMAND)
    login(page, world.city_admin)
    page.goto(f"{live_server.url}/reports/?period=2020")
    assert page.locator("#dashboard-area").inner_text() == "蚌埠市"
    card = page.locator('.indicator-card[data-code="territory.resident_population"]')
    assert "6,000" in card.locator(".indicator-value").inner_text()

    chart = card.locator('.indicator-chart[data-kind="children"]')
    chart.scroll_into_view_if_needed()
    page.locator('.indicator-card[data-code="territory.resident_population"] .indicator-chart[data-kind="children"][data-ready]').wait_for()
    # The first bar is 龙子湖区 (340302, 1,000 residents): click inside it, in page coordinates.
    x, y = page.evaluate("""() => {
        const el = document.querySelector('.indicator-card[data-code="territory.resident_population"] .indicator-chart[data-kind="children"]');
        const chart = echarts.getInstanceByDom(el);
        const [px, py] = chart.convertToPixel({seriesIndex: 0}, [0, 500]);
        const box = el.getBoundingClientRect();
        return [box.left + px, box.top + py];
    }""")
    page.mouse.click(x, y)
    page.wait_for_url(lambda url: "area=340302000000" in url)
    assert page.locator("#dashboard-area").inner_text() == "龙子湖区"
    assert "蚌埠市" in page.locator("#indicator-breadcrumbs").inner_text()

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename == "indicators-340302000000-2020.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {"340302000000", "340302001000"}
