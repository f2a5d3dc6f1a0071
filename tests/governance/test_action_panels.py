"""The matter and meeting pages' panels are kit steps: a refusal shows the fields' labels (never raw
names such as "name") beside the form, with the input kept."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.choices import BodyKind, Stage
from tests.factories.governance import Walker, raise_matter

pytestmark = pytest.mark.django_db


def test_a_support_without_a_name_is_refused_with_the_fields_label(world, web):
    matter = raise_matter(world.community_a)
    response = web(world.worker_a).post(reverse("governance:matter-action", args=[matter.pk, "support"]),
                                        {"support-name": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "居民: " in page or "Resident: " in page
    assert ": name " not in page and "name:" not in page


def test_a_refused_attendance_keeps_what_was_typed(world, web):
    walker = Walker(world.community_a)
    meeting = services.schedule_meeting(actor=walker.worker, matter=walker.to(Stage.ACCEPTED),
                                        body_kind=BodyKind.CONSULTATION_COUNCIL, scheduled_at=timezone.now(),
                                        location="议事厅", agenda="议程", eligible=9)
    url = reverse("governance:meeting-action", args=[meeting.pk, "attend"])
    client = web(walker.worker)
    assert client.post(url, {"attend-name": "赵六", "attend-category": "resident"}).status_code == 302
    again = client.post(url, {"attend-name": "赵六", "attend-category": "resident", "attend-household": "3栋201"})
    page = again.content.decode()
    assert again.status_code in (400, 409)
    assert "3栋201" in page and "赵六" in page


def test_the_matter_page_leads_with_the_facts_and_the_six_steps_then_only_what_the_user_may_do(world, web):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.DELIBERATING)
    page = web(walker.worker).get(matter.get_absolute_url()).content.decode()
    facts, progress, actions = page.index('id="facts"'), page.index('id="progress"'), page.index('id="actions"')
    assert facts < progress < actions < page.index('id="timeline"')
    steps = page[progress:page.index("</ol>", progress)]
    assert steps.count('data-state="done"') == 2 and 'data-state="current"' in steps
    assert "百姓点事" in steps and "公众评事" in steps
    raised = raise_matter(world.community_a, actor=walker.worker)
    as_worker = web(walker.worker).get(raised.get_absolute_url()).content.decode()
    as_committee = web(walker.committee).get(raised.get_absolute_url()).content.decode()
    assert 'id="action-accept"' not in as_worker and 'id="action-support"' in as_worker
    assert 'id="action-accept"' in as_committee


def test_the_meeting_page_says_sign_in_and_meeting_record_in_chinese(world, web):
    walker = Walker(world.community_a)
    meeting = services.schedule_meeting(actor=walker.worker, matter=walker.to(Stage.ACCEPTED),
                                        body_kind=BodyKind.CONSULTATION_COUNCIL, scheduled_at=timezone.now(),
                                        location="议事厅", agenda="议程", eligible=9)
    page = web(walker.worker).get(reverse("governance:meeting-detail", args=[meeting.pk]),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    attend = page[page.index('id="meeting-attend"'):page.index("</details>", page.index('id="meeting-attend"'))]
    minutes = page[page.index('id="meeting-minutes"'):page.index("</summary>", page.index('id="meeting-minutes"'))]
    assert "签到" in attend and "登录" not in attend
    assert "会议记录" in minutes and "分钟" not in minutes


def test_the_six_steps_leave_the_projects_own_progress_alone(world, web):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.IMPLEMENTING)
    page = web(walker.worker).get(matter.get_absolute_url()).content.decode()
    assert "ProgressStep" not in page and 'data-state="current"' in page
