"""A district officer signs in on a phone-sized screen, sees only their district, switches language."""

def test_district_officer_sees_only_their_district_and_switches_language(world, login, page, live_server):
    login(page, world.officer_a)
    tree = page.locator("#area-tree")
    assert "龙子湖区" in tree.inner_text()
    assert "蚌山区" not in page.content()

    page.goto(f"{live_server.url}/areas/?level=county")
    table = page.locator("#area-table").inner_text()
    assert "340302000000" in table and "340303000000" not in table

    page.goto(f"{live_server.url}/areas/340303000000/")
    assert "蚌山区" not in page.content()

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator("#mainnav").evaluate("el => el.classList.add('show')")  # open the phone menu
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My areas" in page.content()
