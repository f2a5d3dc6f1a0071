"""Privacy: only child directors and supervisors in scope open a child's record; every read is in
the access log; everyone else sees counts only; out of scope the record does not exist."""

import datetime
import re

import pytest
from django.urls import reverse

from child_care import selectors
from child_care.models import Person
from core.models import AuditEvent
from tests.factories.child_care import child, left_behind_child

pytestmark = pytest.mark.django_db


def test_a_read_in_scope_is_logged_and_the_auditor_finds_it_in_the_access_log(world, cc, web):
    kid = child(world.community_a)
    assert web(cc.director_a).get(reverse("child_care:person-detail", args=[kid.pk])).status_code == 200
    assert web(cc.supervisor_a).get(reverse("child_care:person-list")).status_code == 200
    log = list(selectors.access_log(kid).filter(action="core.read"))
    assert {e.actor for e in log} == {cc.director_a, cc.supervisor_a}
    page = web(world.auditor).get(reverse("child_care:access-log", args=[kid.pk]))
    assert page.status_code == 200 and "director_a" in page.content.decode() and "supervisor_a" in page.content.decode()


def test_out_of_scope_director_gets_404_without_a_hint_and_nothing_is_logged(world, cc, web):
    kid = child(world.community_a)
    missing = web(cc.director_b).get(reverse("child_care:person-detail", args=[999999]))
    theirs = web(cc.director_b).get(reverse("child_care:person-detail", args=[kid.pk]))
    assert theirs.status_code == missing.status_code == 404
    strip = lambda r: re.sub(rb'((nonce|value|content)="|X-CSRFToken": ")[^"]*"', b"", r.content)  # noqa: E731
    assert strip(theirs) == strip(missing)
    assert not selectors.access_log(kid).filter(actor=cc.director_b).exists()


def test_officers_see_counts_only(world, cc, web, api):
    kid, _record = left_behind_child(world.community_a)
    for officer in (world.officer_a, world.street_officer_a, world.city_admin):
        assert web(officer).get(reverse("child_care:person-detail", args=[kid.pk])).status_code == 403
        assert api(officer).get(reverse("api:child_care-person-detail", args=[kid.pk])).status_code == 403
    summary = web(world.officer_a).get(reverse("child_care:summary"), {"area": world.district_a.code,
                                                                      "day": "2020-06-30"})
    assert summary.status_code == 200
    assert kid.name not in summary.content.decode()


def test_the_summary_of_another_district_does_not_exist_for_an_officer(world, web):
    response = web(world.officer_b).get(reverse("child_care:summary"), {"area": world.district_a.code})
    assert response.status_code == 404


def test_id_and_phone_show_masked_and_a_reveal_needs_a_reason_and_is_audited(world, cc, web):
    kid = child(world.community_a, phone="13912345678")
    page = web(cc.director_a).get(reverse("child_care:person-detail", args=[kid.pk])).content.decode()
    plain = Person.objects.get(pk=kid.pk).id_number.reveal_unchecked()
    assert plain not in page and "139****5678" in page
    url = reverse("child_care:person-action", args=[kid.pk, "reveal"])
    refused = web(cc.director_a).post(url, {"field": "id_number", "reason": ""})
    assert plain not in refused.content.decode() if refused.status_code == 200 else True
    shown = web(cc.director_a).post(url, {"field": "id_number", "reason": "核实监护人身份"})
    assert plain in shown.content.decode()
    assert AuditEvent.objects.filter(actor=cc.director_a, action="core.personal_data.reveal",
                                     target_id=str(kid.pk), reason="核实监护人身份").exists()


def test_an_api_read_and_an_export_each_write_one_read_event(world, cc, web, api, export_files):
    kid = child(world.community_a)
    before = AuditEvent.objects.filter(action="core.read").count()
    assert api(cc.director_a).get(reverse("api:child_care-person-detail", args=[kid.pk])).status_code == 200
    director = web(cc.director_a)
    assert director.get(reverse("child_care:person-list"), {"export": "xlsx"}).status_code == 200  # the reason's form
    assert AuditEvent.objects.filter(action="core.read").count() == before + 1  # the form reads no record
    assert director.post(reverse("child_care:person-list"), {"reason": "核对台账", "fmt": "xlsx"}).status_code == 302
    assert AuditEvent.objects.filter(action="core.read").count() == before + 2


def test_the_summary_as_of_a_past_day_is_unchanged_by_later_edits(world, cc, web):
    from child_care import services
    from child_care.choices import Category, Education

    kid, record = left_behind_child(world.community_a, starts_on=datetime.date(2020, 1, 1))
    services.record_survey(actor=None, person=kid, surveyed_on=datetime.date(2020, 2, 1), education=Education.PRIMARY)
    # recorded "back then": move the recording times into 2020
    Person.objects.filter(pk=kid.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    record.__class__.objects.filter(pk=record.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    kid.surveys.update(created_at=datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC))
    day = datetime.date(2020, 6, 30)
    before = selectors.summary(world.city, day)
    assert before["total"]["n"] == 1 and before["total"]["education:primary"] == 1

    services.record_survey(actor=None, person=kid, surveyed_on=datetime.date(2020, 3, 1), education=Education.JUNIOR)
    services.end_category(actor=None, record=record, ends_on=datetime.date(2020, 5, 1), reason="补录: 父母返乡")
    late, _r = left_behind_child(world.community_a, starts_on=datetime.date(2020, 1, 1), name="李后补")
    services.delete_person(actor=cc.supervisor_a, person=kid, reason="重复录入")
    assert selectors.summary(world.city, day)["total"] == before["total"]
    assert selectors.summary(world.city, datetime.date.today())["total"]["n"] == 1  # today: only the later child
    assert Category.LEFT_BEHIND


def test_the_access_log_reads_in_chinese_where_and_what(world, cc, web, export_files):
    """The auditor reads where the child was seen in words (页面 · 人员详情), not the view's class and URL name."""
    kid = child(world.community_a)
    web(cc.director_a).get(reverse("child_care:person-detail", args=[kid.pk]))
    web(cc.supervisor_a).post(reverse("child_care:person-list"), {"reason": "核对台账", "fmt": "csv"})  # a protected export
    page = web(world.auditor).get(reverse("child_care:access-log", args=[kid.pk]),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "页面 · 人员详情" in page and "导出 CSV · 台账名单" in page
    assert "PersonDetailView" not in page and "core.read" not in page
