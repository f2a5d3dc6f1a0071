"""One matter from 百姓点事 to a closed 公众评事, on a phone-sized screen, by the worker, the two
committees and the supervision committee; then its public case file, logged out."""

import pytest
from django.utils import timezone

from governance.choices import Stage
from governance.models import Matter
from tests.factories.governance import committee, no_notice, setting, supervisor


@pytest.fixture
def reference_data(db):
    """Browser tests run in transactions that end with a flush, which also removes what data
    migrations seeded (roles, categories, quorum rules): seed it again."""
    from importlib import import_module

    from django.apps import apps

    for module in ("core.migrations.0002_roles", "governance.migrations.0002_statutory_defaults",
                   "governance.migrations.0003_roles", "governance.migrations.0004_cadre_reviews",
                   "governance.migrations.0005_attachments"):
        migration = import_module(module)
        (getattr(migration, "forwards", None) or migration.grant)(apps, None)


def act(page, name, fields=None, selects=None):
    page.locator(f"#action-{name}").evaluate("el => el.open = true")
    for field, value in (fields or {}).items():
        page.fill(f"#action-{name} [name='{name}-{field}']", str(value))
    for field, value in (selects or {}).items():
        page.select_option(f"#action-{name} [name='{name}-{field}']", str(value))
    page.click(f"#action-{name} button[type=submit]")
    page.wait_for_load_state()


def meeting_act(page, name, fields=None):
    page.locator(f"#meeting-{name}").evaluate("el => { if (el.tagName === 'DETAILS') el.open = true; }")
    for field, value in (fields or {}).items():
        page.fill(f"#meeting-{name} [name='{name}-{field}']", str(value))
    page.click(f"#meeting-{name} button[type=submit]")
    page.wait_for_load_state()


def switch(page, login, user, live_server, url):
    page.context.clear_cookies()
    login(page, user)
    page.goto(f"{live_server.url}{url}")


@pytest.mark.django_db(transaction=True)
def test_a_matter_walks_from_raised_to_closed_and_is_public(reference_data, world, login, page, live_server):
    area = world.community_a
    setting(area)
    no_notice()
    two_committees = committee(area, "liangwei")
    watchdog = supervisor(area, "jianwei")
    worker = world.worker_a

    # 百姓点事: the worker enters the resident's matter on the resident's behalf.
    login(page, worker)
    page.goto(f"{live_server.url}/governance/matters/new/")
    page.fill("#id_title", "3号楼楼道灯长期不亮")
    page.select_option("#id_category", label="环境卫生")
    page.fill("#id_raised_by_name", "周阿姨")
    page.select_option("#id_channel", "phone")
    page.click("#matter-form button[type=submit]")
    page.wait_for_url("**/governance/matters/*/")
    matter = Matter.objects.get(title="3号楼楼道灯长期不亮")
    url = matter.get_absolute_url()
    act(page, "support", {"name": "吴大爷"})
    # The worker is not on the two committees: the page does not offer the committees' answer.
    assert page.locator("#action-accept").count() == 0

    # 两委提事
    switch(page, login, two_committees, live_server, url)
    act(page, "accept", {"reason": "列入本月议事"})
    assert Matter.objects.get(pk=matter.pk).stage == Stage.ACCEPTED

    # 居民议事: notice, sign-in, minutes, vote.
    switch(page, login, worker, live_server, url)
    now = timezone.localtime()
    act(page, "schedule", {"scheduled_at": now.strftime("%Y-%m-%dT%H:%M"), "location": "社区议事厅",
                           "agenda": "楼道灯维修方案", "eligible": 4}, {"body_kind": "consultation_council"})
    page.wait_for_url("**/governance/meetings/*/")
    for name, category in (("居民甲", "resident"), ("物业代表", "property_company"), ("业委会代表", "owners_committee")):
        page.fill("#meeting-attend [name='attend-name']", name)
        page.select_option("#meeting-attend [name='attend-category']", category)
        page.click("#meeting-attend button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("#present").inner_text() == "3"
    meeting_act(page, "minutes", {"speaker": "物业代表", "opinion": "一周内更换灯具", "consensus": "由物业更换声控灯"})
    meeting_act(page, "sign", {"signed_by": "主持人 记录人"})
    assert page.locator("#minutes-locked").is_visible()
    meeting_act(page, "ballot", {"motion": "同意由物业更换声控灯"})
    meeting_act(page, "tally", {"votes_for": 3, "votes_against": 0, "abstentions": 0})
    page.click("#meeting-close button[type=submit]")
    page.wait_for_load_state()
    assert Matter.objects.get(pk=matter.pk).stage == Stage.DECIDED

    # 与会决事 published, countersigned by the supervision committee.
    page.goto(f"{live_server.url}{url}")
    act(page, "publish", {"content": "议事会决定：由物业一周内更换3号楼声控灯。",
                          "photo_taken_at": now.strftime("%Y-%m-%dT%H:%M")})
    switch(page, login, watchdog, live_server, url)
    page.click("#action-countersign button[type=submit]")
    page.wait_for_load_state()
    assert Matter.objects.get(pk=matter.pk).publications.get().countersigned_at is not None

    # 多元办事
    switch(page, login, two_committees, live_server, url)
    act(page, "implement", {"title": "3号楼声控灯更换", "lead_body": "社区居委会", "partners": "物业服务公司\n业主委员会"})
    switch(page, login, worker, live_server, url)
    act(page, "task", {"title": "更换声控灯", "assignee": "物业服务公司", "due_on": now.strftime("%Y-%m-%d"),
                       "weight": 1})
    page.fill("#tasks [name='complete-evidence']", "更换前后照片")
    page.click("#tasks button[type=submit]")
    page.wait_for_load_state()
    assert "100" in page.locator(".progress-bar").inner_text()

    # 公众评事
    act(page, "evaluate", {"closes_at": (now + timezone.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
                           "min_responses": 3})
    for name in ("居民甲", "居民乙", "居民丙"):
        page.fill("#action-respond [name='respond-respondent']", name)
        page.select_option("#action-respond [name='respond-score']", "5")
        page.click("#action-respond button[type=submit]")
        page.wait_for_load_state()
    switch(page, login, two_committees, live_server, url)
    page.click("#action-close-round button[type=submit]")
    page.wait_for_load_state()
    assert Matter.objects.get(pk=matter.pk).stage == Stage.CLOSED

    # Logged out: the public case file, without personal data.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/governance/{area.code}/")
    page.click(f"#public-closed a:has-text('{matter.ref}')")
    page.wait_for_load_state()
    text = page.locator("#case-file").inner_text()
    assert "3号楼楼道灯长期不亮" in page.content()
    assert "由物业一周内更换3号楼声控灯" in text and "100" in page.content()
    assert "周阿姨" not in page.content() and "吴大爷" not in page.content() and "居民乙" not in page.content()
