"""A registrar's day with the credit lists, on a 390 px phone (Chinese): a missed annual-report
deadline is recorded, the organisation shows on the public abnormal-activities list, it files the
report, the registrar verifies the rectification and removes it, and the public list no longer
shows it. Then the registrar opens the random-inspection plans and the venture projects."""

import datetime

import pytest

from social_orgs.models import CreditListing
from tests.factories.social_orgs import organisation


def act(page, what, fields=None, selects=None):
    page.locator(f"#action-{what}").evaluate("el => el.open = true")
    for name, value in (fields or {}).items():
        page.fill(f"#action-{what} [name='{name}']", str(value))
    for name, value in (selects or {}).items():
        page.select_option(f"#action-{what} [name='{name}']", str(value))
    page.click(f"#action-{what} button[type=submit]")
    page.wait_for_load_state()


def public_list(page, live_server):
    page.goto(f"{live_server.url}/public/social_orgs/abnormal/")
    return page.content()


@pytest.mark.django_db(transaction=True)
def test_a_missed_report_puts_the_org_on_the_public_list_until_it_rectifies_and_leaves(world, login, page,
                                                                                       live_server):
    org = organisation(world.district_a, name="龙子湖区摄影家协会", founded_on=datetime.date(2018, 3, 1))
    registrar = world.officer_a
    year = datetime.date.today().year - 1

    login(page, registrar)
    page.goto(f"{live_server.url}/social-orgs/?q=摄影")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("text=龙子湖区摄影家协会")
    page.wait_for_url(f"**{org.get_absolute_url()}")
    act(page, "list", fields={"reason_text": f"{year}年度工作报告逾期未报送", "basis_ref": f"annual-report:{year}"},
        selects={"reason": "late_report"})
    assert "活动异常名录" in page.content()
    # What the organisation must do to leave is on its page.
    assert "补报缺报的年度工作报告" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    assert "龙子湖区摄影家协会" in public_list(page, live_server)
    assert f"{year}年度工作报告逾期未报送" in page.content() and "张三" not in page.content()

    login(page, registrar)
    page.goto(f"{live_server.url}{org.get_absolute_url()}")
    act(page, "report", fields={"year": year})
    listing = CreditListing.objects.get(organisation=org)
    page.goto(f"{live_server.url}{listing.get_absolute_url()}")
    act(page, "verify", fields={"note": f"已补报{year}年度工作报告，经核实"})
    assert CreditListing.objects.get(pk=listing.pk).rectified_on is not None
    act(page, "remove", fields={"note": "整改完毕，移出"})
    assert CreditListing.objects.get(pk=listing.pk).status == "exited"
    assert "已移出" in page.content() or "移出" in page.content()

    page.context.clear_cookies()
    assert "龙子湖区摄影家协会" not in public_list(page, live_server)

    # The rest of the day's pages fit the phone and read in Chinese.
    login(page, registrar)
    for url, heading in (("/social-orgs/plans/", "双随机抽查"), ("/social-orgs/venture/", "公益创投"),
                         ("/social-orgs/lists/", "信用")):
        page.goto(f"{live_server.url}{url}")
        assert heading in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
