"""Persona matrices (tests/scoped.py) for the roster comparison, rescue follow-up and consent routes: the
child director of A's community is in scope, B's village director gets 404 (or an empty list), a user with
no role 403; every read of these children's rows is audited."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse

from child_care import services
from core.models import AuditEvent
from tests.child_care.conftest import ChildCarePersonas, ProtectedExport
from tests.factories.child_care import adult, named_child, roster_file
from tests.scoped import API, Pages

_names = itertools.cycle(f"{a}{b}{c}" for a in "赵钱孙李周吴郑王冯陈" for b in "春夏秋冬东南西北" for c in "一二三四五六七八九十甲乙丙丁")


def roster_entry(world, name=None):
    """A roster row matched on name to a child of A's community (a decision waits)."""
    name = name or next(_names)
    supervisor = world.supervisor_a
    named_child(world.community_a, name, datetime.date(2013, 3, 3))
    roster = services.stage_roster(actor=supervisor, area=world.street_a, source=roster_file([
        {"姓名": name, "出生日期": "2013-03-03", "性别": "男", "当前状态": "在读", "是否农村留守儿童": "否",
         "户籍地区划代码": world.community_a.code}]))
    services.reconcile_roster(actor=supervisor, roster=roster)
    return roster.entries.get(line__isnull=False)


class _Entry(ChildCarePersonas):
    def make_object(self, world):
        return roster_entry(world)

    def row_text(self, obj):
        return obj.name


class TestRosterEntryPages(_Entry, Pages.List, ProtectedExport, Pages.Export, Pages.Action):
    list_url_name = "child_care:roster-entries"
    action_url_name = "child_care:roster-decide"

    def action_payload(self, world, obj):
        return {"decision": "same"}


class TestRosterEntryAPI(_Entry, API.List, API.Detail, API.Transition):
    basename = "child_care-rosterentry"
    transition = "decide"

    def transition_payload(self, world, obj):
        return {"decision": "dismissed", "note": "已核实"}


class _Roster(ChildCarePersonas):
    in_scope_persona = "supervisor_a"

    def make_object(self, world):
        return roster_entry(world).roster

    def row_text(self, obj):
        return obj.filename


class TestRosterPages(_Roster, Pages.List, ProtectedExport, Pages.Export):
    list_url_name = "child_care:roster-list"


class TestRosterAPI(_Roster, API.List, API.Detail):
    basename = "child_care-roster"


class _Rescue(ChildCarePersonas):
    def make_object(self, world):
        kid = named_child(world.community_a, next(_names), datetime.date(2011, 1, 1))
        return services.hand_over_rescue(actor=None, id_number=str(kid.id_number.reveal_unchecked()),
                                         station="蚌埠市救助管理站", found_on=datetime.date(2024, 5, 1))

    def row_text(self, obj):
        return obj.person.name


class TestRescuePages(_Rescue, Pages.List, Pages.Detail, ProtectedExport, Pages.Export, Pages.Action):
    list_url_name = "child_care:rescue-list"
    detail_url_name = "child_care:rescue-detail"
    action_url_name = "child_care:rescue-accept"


class TestRescueAPI(_Rescue, API.List, API.Detail, API.Create, API.Transition):
    basename = "child_care-rescue"
    transition = "accept"

    def create_payload(self, world):
        kid = named_child(world.community_a, next(_names), datetime.date(2011, 1, 1))
        return {"id_number": str(kid.id_number.reveal_unchecked()), "station": "蚌埠市救助管理站",
                "found_on": "2024-05-01"}

    def transition_payload(self, world, obj):
        return {"receipt": "JS-001"}


class _FollowUp(_Rescue):
    def make_object(self, world):
        case = super().make_object(world)
        services.accept_rescue(actor=None, case=case)
        return case.follow_ups.first()


class TestFollowUpRecordPage(_FollowUp, Pages.Action):
    action_url_name = "child_care:follow-up-record"

    def action_payload(self, world, obj):
        return {"done_on": datetime.date.today().isoformat(), "findings": "家庭监护到位，已返校"}


class TestFollowUpAPI(_FollowUp, API.List, API.Detail, API.Transition):
    basename = "child_care-followup"
    transition = "record"

    def transition_payload(self, world, obj):
        return {"done_on": datetime.date.today().isoformat(), "findings": "已返校"}


def consent_for(world):
    kid = named_child(world.community_a, next(_names), datetime.date(2015, 1, 1))
    mum = adult(world.community_a, name="李母")
    services.link_relative(actor=None, child=kid, relative=mum, relation="mother")
    return kid, mum


class _Consent(ChildCarePersonas):
    def make_object(self, world):
        kid, mum = consent_for(world)
        return services.record_consent(actor=None, person=kid, guardian=mum, purpose="registry",
                                       given_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2026, 12, 31))

    def row_text(self, obj):
        return obj.person.name


class TestConsentPages(_Consent, Pages.List, ProtectedExport, Pages.Export, Pages.Action):
    list_url_name = "child_care:consent-list"
    action_url_name = "child_care:consent-withdraw"

    def action_payload(self, world, obj):
        return {"reason": "母亲电话撤回"}


class TestConsentAPI(_Consent, API.List, API.Detail, API.Create, API.Transition):
    basename = "child_care-consent"
    transition = "withdraw"

    def create_payload(self, world):
        kid, mum = consent_for(world)
        return {"person": kid.pk, "guardian": mum.pk, "purpose": "sharing", "given_on": "2024-01-01",
                "expires_on": "2025-01-01"}

    def transition_payload(self, world, obj):
        return {"reason": "母亲电话撤回"}


class TestConsentCreatePage(_Consent, Pages.Action):
    action_url_name = "child_care:consent-create"
    in_scope_status = (302,)

    def make_object(self, world):
        return consent_for(world)[0]

    def action_payload(self, world, obj):
        return {"guardian": obj.relatives.get().relative_id, "purpose": "photo", "given_on": "2024-01-01",
                "expires_on": "2025-01-01"}


@pytest.mark.django_db
class TestSignedInCarePages(ChildCarePersonas):
    covers_routes = ["child_care:roster-upload", "child_care:rescue-create"]

    def test_a_supervisor_uploads_a_roster_and_lands_on_its_comparison(self, world, web,
                                                                        django_capture_on_commit_callbacks):
        named_child(world.community_a, "张伟", datetime.date(2012, 3, 10))
        upload = roster_file([{"姓名": "張偉", "出生日期": "2012-03-10", "性别": "男", "是否农村留守儿童": "是",
                               "户籍地区划代码": world.community_a.code}])
        supervisor = web(world.supervisor_a)
        response = supervisor.post(reverse("child_care:roster-upload"), {"area": world.street_a.pk, "file": upload})
        assert response.status_code == 302 and "/imports/jobs/" in response["Location"]  # the preview, to confirm
        job = response["Location"]
        with django_capture_on_commit_callbacks(execute=True):
            assert supervisor.post(job + "confirm/").status_code == 302
        result = supervisor.get(job).content.decode()
        link = re.search(r'href="([^"]*\?roster=\d+)" id="import-result-link"', result)  # the result leads on
        assert link, result
        page = web(world.director_a).get(link.group(1).replace("&amp;", "&")).content.decode()
        assert "張偉" in page and "张伟" in page
        assert AuditEvent.objects.filter(actor=world.director_a, action="core.read",
                                         target_type="child_care.rosterentry").exists()

    def test_a_director_may_not_upload_and_a_bad_file_is_refused_with_its_reason(self, world, web):
        director = web(world.director_a).post(reverse("child_care:roster-upload"), {"area": world.street_a.pk})
        assert director.status_code == 403
        import io

        bad = io.BytesIO("姓名,学校\n张伟,一小\n".encode())
        bad.name = "名册.csv"
        refused = web(world.supervisor_a).post(reverse("child_care:roster-upload"),
                                               {"area": world.street_a.pk, "file": bad})
        assert refused.status_code == 400 and "出生日期" in refused.content.decode()  # the missing column, by its header

    def test_a_handover_for_a_child_outside_my_areas_is_refused_as_unknown(self, world, web):
        kid_b = named_child(world.village_b, "钱小军", datetime.date(2011, 1, 1))
        response = web(world.director_a).post(reverse("child_care:rescue-create"), {
            "id_number": str(kid_b.id_number.reveal_unchecked()), "station": "救助站", "found_on": "2024-05-01"})
        assert response.status_code == 400 and "钱小军" not in response.content.decode()
        assert web(world.outsider).get(reverse("child_care:rescue-create")).status_code == 403


@pytest.mark.django_db
def test_the_visit_form_on_a_chinese_phone_comes_with_today_filled_in(world, cc, web):
    """A date input takes only YYYY-MM-DD: the zh locale's 2024/05/01 left the field empty and the
    browser refused to send the form."""
    from django.utils import translation

    kid = named_child(world.community_a, "赵小芳", datetime.date(2014, 3, 3))
    visit = services.schedule_visit(actor=None, person=kid, visitor=cc.director_a)
    with translation.override("zh-hans"):
        page = web(cc.director_a).get(reverse("child_care:visit-record", args=[visit.pk]),
                                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'value="{datetime.date.today():%Y-%m-%d}"' in page


@pytest.mark.django_db
def test_the_access_log_lists_reads_of_the_child_s_visit_page(world, cc, web):
    from tests.factories import staff

    kid = named_child(world.community_a, "孙小雨", datetime.date(2013, 6, 6))
    visit = services.schedule_visit(actor=None, person=kid, visitor=cc.director_a)
    web(cc.director_a).get(reverse("child_care:visit-record", args=[visit.pk]))
    auditor = staff("auditor_a", "auditor", world.district_a)
    log = web(auditor).get(reverse("child_care:access-log", args=[kid.pk])).content.decode()
    assert "director_a" in log


@pytest.mark.django_db
class TestStepsKeepTheInputBesideTheRefusal(ChildCarePersonas):
    """The step pages are core's ScopedActionView: a refusal answers with its reason beside the kept input
    (not a redirect that loses it), and out of scope the record does not exist."""

    def test_a_dismissal_without_a_note_is_refused_beside_the_form(self, world, web):
        entry = roster_entry(world)
        response = web(world.director_a).post(reverse("child_care:roster-decide", args=[entry.pk]),
                                              {"decision": "dismissed", "note": "x"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Say what was checked" in page or "说明核实了什么" in page
        assert 'value="x"' in page  # the note as typed
        entry.refresh_from_db()
        assert entry.decision == "open"

    def test_a_second_decision_is_refused_409_and_a_stranger_gets_404(self, world, web):
        entry = roster_entry(world)
        url = reverse("child_care:roster-decide", args=[entry.pk])
        assert web(world.director_a).post(url, {"decision": "same", "note": "同一人"}).status_code == 302
        again = web(world.director_a).post(url, {"decision": "not_same", "note": "再看"})
        assert again.status_code == 409 and "再看" in again.content.decode()
        assert web(world.director_b).get(url).status_code == 404

    def test_a_future_follow_up_is_refused_and_the_findings_are_kept(self, world, web):
        kid = named_child(world.community_a, next(_names), datetime.date(2011, 1, 1))
        case = services.hand_over_rescue(actor=None, id_number=str(kid.id_number.reveal_unchecked()),
                                         station="救助站", found_on=datetime.date(2024, 5, 1))
        services.accept_rescue(actor=None, case=case)
        follow_up = case.follow_ups.first()
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        response = web(world.director_a).post(reverse("child_care:follow-up-record", args=[follow_up.pk]),
                                              {"done_on": tomorrow.isoformat(), "findings": "家访：已返校"})
        assert response.status_code == 400 and "家访：已返校" in response.content.decode()
        follow_up.refresh_from_db()
        assert follow_up.done_on is None

    def test_a_withdrawal_without_a_reason_and_a_consent_of_a_stranger_are_refused_in_place(self, world, web):
        kid, mum = consent_for(world)
        consent = services.record_consent(actor=None, person=kid, guardian=mum, purpose="registry",
                                          given_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2026, 12, 31))
        refused = web(world.director_a).post(reverse("child_care:consent-withdraw", args=[consent.pk]), {"reason": ""})
        assert refused.status_code == 400
        consent.refresh_from_db()
        assert consent.withdrawn_on is None
        late = web(world.director_a).post(reverse("child_care:consent-create", args=[kid.pk]), {
            "guardian": mum.pk, "purpose": "photo", "given_on": "2024-01-01", "expires_on": "2029-01-01"})
        assert late.status_code == 400 and 'value="2029-01-01"' in late.content.decode()
        assert web(world.director_b).get(reverse("child_care:consent-create", args=[kid.pk])).status_code == 404
