"""Guardianship guidance (监护督促), policy outreach (政策宣讲进村(居)) and trainings with attendance: the persona
matrices (tests/scoped.py), a guardian not linked to the child refused beside the kept input, the outreach
coverage on crafted data, and an attended training counted in the trained-staff share."""

import datetime
import itertools

import pytest
from django.urls import reverse

from child_care import services
from child_care.choices import StaffPost
from child_care.models import Appointment, Guidance, Outreach, Training
from core.models import AuditEvent
from reports import registry
from reports.engine import compute
from reports.periods import Period
from tests.child_care.conftest import ChildCarePersonas, ProtectedExport
from tests.factories.child_care import adult, named_child
from tests.scoped import API, Pages

_names = itertools.cycle(f"{a}{b}{c}" for a in "赵钱孙李周吴郑王冯陈" for b in "春夏秋冬东南西北" for c in "一二三四五六七八九十")


def child_with_mother(area):
    kid = named_child(area, next(_names), datetime.date(2015, 1, 1))
    mum = adult(area, name="李母")
    link = services.link_relative(actor=None, child=kid, relative=mum, relation="mother")
    return kid, link


# --- guardianship guidance ----------------------------------------------------------------------------
class _Guidance(ChildCarePersonas):
    def make_object(self, world):
        kid, link = child_with_mother(world.community_a)
        return services.record_guidance(actor=None, person=kid, guardian=link, member="王主任",
                                        done_on=datetime.date(2024, 3, 1), content="督促母亲每周与孩子视频通话",
                                        follow_up_on=datetime.date(2024, 4, 1))

    def row_text(self, obj):
        return obj.person.name


class TestGuidancePages(_Guidance, Pages.List, ProtectedExport, Pages.Export):
    list_url_name = "child_care:guidance-list"


class TestGuidanceAPI(_Guidance, API.List, API.Detail, API.Create):
    basename = "child_care-guidance"

    def create_payload(self, world):
        kid, link = child_with_mother(world.community_a)
        return {"person": kid.pk, "guardian": link.pk, "member": "王主任", "done_on": "2024-03-01",
                "content": "督促落实监护责任"}


class TestGuidanceCreatePage(_Guidance, Pages.Action):
    action_url_name = "child_care:guidance-create"
    in_scope_status = (302,)

    def make_object(self, world):
        return child_with_mother(world.community_a)[0]

    def action_payload(self, world, obj):
        return {"guardian": obj.relatives.get().pk, "member": "王主任", "done_on": "2024-03-01",
                "content": "督促落实监护责任", "follow_up_on": "2024-04-01"}


@pytest.mark.django_db
class TestGuidance(ChildCarePersonas):
    def test_a_director_records_guidance_and_the_read_is_audited(self, world, web):
        kid, link = child_with_mother(world.community_a)
        client = web(world.director_a)
        response = client.post(reverse("child_care:guidance-create", args=[kid.pk]), {
            "guardian": link.pk, "member": "王主任", "done_on": "2024-03-01", "content": "督促按时接送上学"})
        assert response.status_code == 302
        guidance = Guidance.objects.get(person=kid)
        assert guidance.guardian == link and guidance.recorded_by == world.director_a and guidance.area == kid.area
        page = client.get(reverse("child_care:guidance-list") + f"?person={kid.pk}").content.decode()
        assert "督促按时接送上学" in page and "王主任" in page
        assert AuditEvent.objects.filter(actor=world.director_a, action="core.read",
                                         target_type="child_care.guidance").exists()

    def test_the_child_s_access_log_lists_the_guidance_read(self, world, web):
        from tests.factories import staff

        guidance = _Guidance().make_object(world)
        web(world.director_a).get(reverse("child_care:guidance-list") + f"?person={guidance.person_id}")
        auditor = staff("auditor_a", "auditor", world.district_a)
        log = web(auditor).get(reverse("child_care:access-log", args=[guidance.person_id])).content.decode()
        assert "director_a" in log

    def test_a_follow_up_day_come_is_in_the_village_inbox_until_the_guardian_is_guided_again(self, world):
        from core import supervision
        from core.models import Finding

        guidance = _Guidance().make_object(world)  # guided 2024-03-01, follow up on 2024-04-01
        rule = "child_care.guidance_follow_up_due"
        supervision.run_all(today=datetime.date(2024, 3, 31), only=[rule])
        assert not Finding.objects.inbox(world.director_a).filter(rule=rule).exists()  # not yet due
        supervision.run_all(today=datetime.date(2024, 4, 2), only=[rule])
        assert Finding.objects.inbox(world.director_a).filter(rule=rule).exists()
        assert not Finding.objects.inbox(world.director_b).filter(rule=rule).exists()
        services.record_guidance(actor=world.director_a, person=guidance.person, guardian=guidance.guardian,
                                 member="王主任", done_on=datetime.date(2024, 4, 2), content="回访：已每周视频通话")
        supervision.run_all(today=datetime.date(2024, 4, 3), only=[rule])
        assert not Finding.objects.inbox(world.director_a).filter(rule=rule, status="open").exists()

    def test_a_guardian_not_linked_to_the_child_is_refused_beside_the_kept_input(self, world, web):
        kid, _ = child_with_mother(world.community_a)
        other, other_link = child_with_mother(world.community_a)
        response = web(world.director_a).post(reverse("child_care:guidance-create", args=[kid.pk]), {
            "guardian": other_link.pk, "member": "王主任", "done_on": "2024-03-01", "content": "督促按时接送上学"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Choose a guardian linked to this child" in page or "请选择与该儿童关联的监护人" in page
        assert "督促按时接送上学" in page  # the input as typed
        assert not Guidance.objects.exists()

    def test_the_api_refuses_another_child_s_guardian_on_the_field(self, world, api):
        kid, _ = child_with_mother(world.community_a)
        _, other_link = child_with_mother(world.community_a)
        response = api(world.director_a).post(reverse("api:child_care-guidance-list"), {
            "person": kid.pk, "guardian": other_link.pk, "member": "王主任", "done_on": "2024-03-01",
            "content": "督促"}, format="json")
        assert response.status_code == 400 and "guardian" in response.json()["error"]["fields"]

    def test_a_county_officer_sees_counts_only(self, world, web):
        self_obj = _Guidance().make_object(world)
        assert web(world.officer_a).get(reverse("child_care:guidance-list")).status_code == 403
        assert web(world.officer_a).get(reverse("child_care:guidance-create", args=[self_obj.person_id])) \
            .status_code == 403


# --- policy outreach ----------------------------------------------------------------------------------
class _Outreach(ChildCarePersonas):
    def make_object(self, world):
        return services.record_outreach(actor=None, area=world.community_a, held_on=datetime.date(2024, 5, 1),
                                        topic=f"监护人责任宣讲{next(_names)}", guardians=30, children=12)

    def row_text(self, obj):
        return obj.topic


class TestOutreachPages(_Outreach, Pages.List, ProtectedExport, Pages.Export):
    list_url_name = "child_care:outreach-list"


class TestOutreachAPI(_Outreach, API.List, API.Detail, API.Create):
    basename = "child_care-outreach"

    def create_payload(self, world):
        return {"area": world.community_a.pk, "held_on": "2024-05-01", "topic": "儿童自我保护", "children": 40}


@pytest.mark.django_db
class TestOutreach(ChildCarePersonas):
    covers_routes = ["child_care:outreach-create", "child_care:training-create"]

    def test_a_director_records_outreach_in_her_village_not_in_another(self, world, web):
        client = web(world.director_a)
        assert client.get(reverse("child_care:outreach-create")).status_code == 200
        data = {"held_on": "2024-05-01", "topic": "儿童自我保护", "children": 40, "guardians": 0, "women": 5,
                "cadres": 3}
        assert client.post(reverse("child_care:outreach-create"), {**data, "area": world.community_a.pk}) \
            .status_code == 302
        outreach = Outreach.objects.get()
        assert (outreach.area, outreach.children, outreach.women, outreach.cadres) == (world.community_a, 40, 5, 3)
        refused = client.post(reverse("child_care:outreach-create"), {**data, "area": world.village_b.pk})
        assert refused.status_code in (400, 404) and Outreach.objects.count() == 1
        assert web(world.outsider).get(reverse("child_care:outreach-create")).status_code == 403

    def test_an_outreach_reaching_nobody_is_refused_with_its_reason(self, world, web):
        response = web(world.director_a).post(reverse("child_care:outreach-create"), {
            "area": world.community_a.pk, "held_on": "2024-05-01", "topic": "儿童自我保护", "children": 0,
            "guardians": 0, "women": 0, "cadres": 0})
        page = response.content.decode()
        assert response.status_code == 400 and "儿童自我保护" in page
        assert "at least one audience" in page or "至少填写一类对象" in page

    def test_coverage_counts_villages_with_outreach_in_the_year(self, world):
        # Three villages/communities: A's community (outreach in 2024, twice), B's community (none), B's
        # village (outreach in 2023 only).
        services.record_outreach(actor=None, area=world.community_a, held_on=datetime.date(2024, 3, 1), topic="一",
                                 children=10)
        services.record_outreach(actor=None, area=world.community_a, held_on=datetime.date(2024, 9, 1), topic="二",
                                 women=3)
        services.record_outreach(actor=None, area=world.village_b, held_on=datetime.date(2023, 9, 1), topic="三",
                                 cadres=8)
        registry.autodiscover()
        indicator = registry.get("child_care.outreach_coverage")
        values = {v.area_id: v.value for v in compute([indicator], Period.parse("2024")).values}
        assert round(float(values[world.city.pk]), 1) == 33.3
        assert values[world.district_a.pk] == 100 and values[world.district_b.pk] == 0
        values_2023 = {v.area_id: v.value for v in compute([indicator], Period.parse("2023")).values}
        assert values_2023[world.district_b.pk] == 50

    def test_the_coverage_is_shown_to_counts_only_roles_not_to_a_user_without_them(self, world):
        registry.autodiscover()
        indicator = registry.get("child_care.outreach_coverage")
        for user, area in ((world.officer_a, world.district_a), (world.street_officer_a, world.street_a),
                           (world.auditor, world.city)):
            assert registry.visible(indicator, registry.permissions_held(user, area.code)), user
        # A community worker (no child-care role) and B's county officer over A's county: not shown.
        assert not registry.visible(indicator, registry.permissions_held(world.worker_a, world.community_a.code))
        assert not registry.visible(indicator, registry.permissions_held(world.officer_b, world.district_a.code))


# --- trainings --------------------------------------------------------------------------------------
def director(area, name="张主任", trained_on=None):
    return services.appoint(actor=None, post=StaffPost.DIRECTOR, area=area, name=name,
                            starts_on=datetime.date(2020, 1, 1), trained_on=trained_on)


class _Training(ChildCarePersonas):
    """Trainings are organised by supervisors: B's township's supervisor is out of scope."""

    in_scope_persona = "supervisor_a"
    out_of_scope_persona = "supervisor_b"

    @pytest.fixture(autouse=True)
    def _supervisor_b(self, world):
        from core.choices import Role
        from tests.factories import staff

        world.supervisor_b = staff("supervisor_b", Role.CHILD_SUPERVISOR, world.village_b.parent)

    def make_object(self, world):
        return services.record_training(actor=None, held_on=datetime.date(2024, 6, 1), topic=f"业务培训{next(_names)}",
                                        level="township", organiser="东风街道", area=world.street_a,
                                        attendees=[director(world.community_a)])

    def row_text(self, obj):
        return obj.topic


class TestTrainingPages(_Training, Pages.List, ProtectedExport, Pages.Export, Pages.Action):
    list_url_name = "child_care:training-list"
    action_url_name = "child_care:training-attendance"

    def action_payload(self, world, obj):
        return {"attended": [obj.attendances.get().appointment_id]}


class TestTrainingAPI(_Training, API.List, API.Detail, API.Create, API.Transition):
    basename = "child_care-training"
    transition = "mark"

    def create_payload(self, world):
        return {"held_on": "2024-06-01", "topic": "业务培训", "level": "township", "organiser": "东风街道",
                "area": world.street_a.pk, "attendees": [director(world.community_a).pk]}

    def transition_payload(self, world, obj):
        return {"attended": [obj.attendances.get().appointment_id]}


@pytest.mark.django_db
class TestTrainingAttendance(ChildCarePersonas):
    def _share(self, area, year="2024"):
        registry.autodiscover()
        values = compute([registry.get("child_care.trained_staff_share")], Period.parse(year)).values
        return {v.area_id: v.value for v in values}.get(area.pk)

    def test_an_attended_training_counts_the_director_as_trained(self, world, web):
        present, absent = director(world.community_a, "到会甲"), director(world.community_a, "缺席乙")
        training = services.record_training(actor=world.supervisor_a, held_on=datetime.date(2024, 6, 1),
                                            topic="监护督促业务培训", level="township", organiser="东风街道",
                                            area=world.street_a, attendees=[present, absent])
        assert self._share(world.community_a) == 0  # invited is not trained
        response = web(world.supervisor_a).post(reverse("child_care:training-attendance", args=[training.pk]),
                                                {"attended": [present.pk]})
        assert response.status_code == 302
        assert self._share(world.community_a) == 50
        assert self._share(world.community_a, "2023") == 0  # not before the training's day
        present.refresh_from_db()
        absent.refresh_from_db()
        assert present.trained_on == datetime.date(2024, 6, 1) and absent.trained_on is None
        page = web(world.supervisor_a).get(reverse("child_care:training-list")).content.decode()
        assert "监护督促业务培训" in page

    def test_a_training_day_typed_on_the_appointment_still_counts_and_once(self, world):
        typed = director(world.community_a, "早训丙", trained_on=datetime.date(2023, 1, 1))
        training = services.record_training(actor=None, held_on=datetime.date(2024, 6, 1), topic="培训",
                                            level="county", organiser="龙子湖区民政局", area=world.district_a,
                                            attendees=[typed])
        services.mark_attendance(actor=None, training=training, attended=[typed])
        assert self._share(world.community_a) == 100
        typed.refresh_from_db()
        assert typed.trained_on == datetime.date(2023, 1, 1)  # the earlier day kept

    def test_an_attendee_outside_the_training_area_is_refused(self, world):
        with pytest.raises(Exception) as refused:
            services.record_training(actor=world.supervisor_a, held_on=datetime.date(2024, 6, 1), topic="培训",
                                     level="township", organiser="东风街道", area=world.street_a,
                                     attendees=[director(world.village_b)])
        assert "appointed within" in str(refused.value) or "培训范围" in str(refused.value)
        assert not Training.objects.exists() and Appointment.objects.count() == 1


@pytest.mark.django_db
def test_the_new_pages_with_rows_read_in_chinese(world, cc):
    """The page walk renders these pages empty (tests/pagewalk.py); here each with a row, as its user."""
    from django.contrib.auth import get_user_model

    from tests.test_pages_language import _zh, english_in

    world.director_a, world.supervisor_a = cc.director_a, cc.supervisor_a
    guidance = _Guidance().make_object(world)
    _Outreach().make_object(world)
    training = services.record_training(actor=None, held_on=datetime.date(2024, 6, 1), topic="业务培训",
                                        level="township", organiser="东风街道", area=world.street_a,
                                        attendees=[director(world.community_a)])
    allowed = set(get_user_model().objects.values_list("username", flat=True))
    pages = {cc.director_a: [reverse("child_care:guidance-list"),
                             reverse("child_care:guidance-create", args=[guidance.person_id]),
                             reverse("child_care:outreach-list"), reverse("child_care:outreach-create"),
                             reverse("child_care:training-list")],
             cc.supervisor_a: [reverse("child_care:training-list"), reverse("child_care:training-create"),
                               reverse("child_care:training-attendance", args=[training.pk])]}
    problems = {}
    for user, urls in pages.items():
        client = _zh(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            leaks = english_in(response.content.decode(), allowed)
            if leaks:
                problems[url] = leaks
    assert not problems, problems
