"""Persona matrices for every child-care route (tests/scoped.py): the child director of A's community is
in scope, B's village director is not, a user with no role is refused."""

import datetime
import json

import pytest
from django.urls import reverse

from child_care import services
from tests.child_care.conftest import ChildCarePersonas, ProtectedExport
from tests.factories.child_care import child, left_behind_child
from tests.scoped import API, Pages


class _Child(ChildCarePersonas):
    def make_object(self, world):
        return child(world.community_a, name="赵小芳")

    def row_text(self, obj):
        return obj.name


class TestPersonPages(_Child, Pages.List, Pages.Detail, ProtectedExport, Pages.Export):
    list_url_name = "child_care:person-list"
    detail_url_name = "child_care:person-detail"


class TestPersonReveal(_Child, Pages.Action):
    action_url_name = "child_care:person-action"

    def action_args(self, obj):
        return [obj.pk, "reveal"]

    def action_payload(self, world, obj):
        return {"field": "id_number", "reason": "核实身份信息"}


class TestPersonAPI(_Child, API.List, API.Detail, API.Create, API.Update, API.Transition):
    basename = "child_care-person"
    transition = "reveal"
    audit_action_prefix = ""

    def create_payload(self, world):
        from tests.factories import id_number

        return {"kind": "child", "name": "钱小军", "id_number": id_number("340302", datetime.date(2013, 4, 4)),
                "area": world.community_a.code, "hukou": "rural"}

    def update_payload(self, world, obj):
        return {"risk_tier": "high"}

    def transition_payload(self, world, obj):
        return {"field": "id_number", "reason": "核实身份信息"}


class _Proposal(ChildCarePersonas):
    def make_object(self, world):
        kid, _r = left_behind_child(world.community_a, born=datetime.date(2004, 6, 1))
        [proposal] = services.evaluate_rules(person=kid, today=datetime.date(2020, 7, 5))
        return proposal

    def row_text(self, obj):
        return obj.person.name


class TestProposalPages(_Proposal, Pages.List, ProtectedExport, Pages.Export, Pages.Action):
    list_url_name = "child_care:proposal-list"
    action_url_name = "child_care:proposal-action"

    def action_args(self, obj):
        return [obj.pk, "confirm"]


class TestProposalAPI(_Proposal, API.List, API.Detail, API.Transition):
    basename = "child_care-proposal"
    transition = "confirm"


class _Visit(ChildCarePersonas):
    def make_object(self, world):
        kid = child(world.community_a, name="孙小雨")
        return services.schedule_visit(actor=None, person=kid, visitor=world.director_a,
                                       due_on=datetime.date.today() - datetime.timedelta(days=3))


class TestVisitRecordPage(_Visit, Pages.Action):
    action_url_name = "child_care:visit-record"

    def action_payload(self, world, obj):
        return {"done_on": datetime.date.today().isoformat(), "life": "生活正常", "safety": "无安全隐患"}


class TestVisitAPI(_Visit, API.List, API.Detail, API.Transition):
    basename = "child_care-visit"
    transition = "record"

    def transition_payload(self, world, obj):
        return {"done_on": datetime.date.today().isoformat(), "life": "生活正常"}


class _Record(ChildCarePersonas):
    def make_object(self, world):
        return left_behind_child(world.community_a)[1]


class TestCategoryAPI(_Record, API.List, API.Detail, API.Transition):
    basename = "child_care-category"
    transition = "end"

    def transition_payload(self, world, obj):
        return {"ends_on": "2020-09-01", "reason": "父母返乡"}


@pytest.mark.django_db
class TestSignedInPages(ChildCarePersonas):
    """The worker's own due list, the entry form, the summary (counts) and the access log."""

    covers_routes = ["child_care:my-visits", "child_care:person-create", "child_care:summary",
                     "child_care:access-log"]

    def test_my_visits_lists_only_my_overdue_and_due_soon_visits(self, world, web):
        kid = child(world.community_a)
        services.schedule_visit(actor=None, person=kid, visitor=world.director_a,
                                due_on=datetime.date.today() - datetime.timedelta(days=1))
        mine = web(world.director_a).get(reverse("child_care:my-visits")).content.decode()
        theirs = web(world.director_b).get(reverse("child_care:my-visits")).content.decode()
        assert kid.name in mine and kid.name not in theirs

    def test_no_role_is_refused_everywhere(self, world, web):
        client = web(world.outsider)
        kid = child(world.community_a)
        for url in (reverse("child_care:my-visits"), reverse("child_care:person-create"),
                    reverse("child_care:summary"), reverse("child_care:access-log", args=[kid.pk])):
            assert client.get(url).status_code == 403

    def test_an_entry_refused_keeps_the_input_and_says_why(self, world, web):
        response = web(world.director_a).post(reverse("child_care:person-create"), {
            "kind": "child", "name": "周小明", "id_number": "110105194912310021", "area": world.community_a.pk,
            "risk_tier": "low"})
        assert response.status_code == 400 and "周小明" in response.content.decode()

    def test_the_access_log_of_another_districts_child_does_not_exist(self, world, cc, web):
        from tests.factories import staff

        kid = child(world.community_a)
        auditor_b = staff("auditor_b", "auditor", world.district_b)
        assert web(auditor_b).get(reverse("child_care:access-log", args=[kid.pk])).status_code == 404


@pytest.mark.django_db
def test_the_due_list_splits_overdue_from_due_within_7_days_and_leaves_later_ones_out(world, cc):
    """One query since the bench (overdue and due soon are the head of one range): the split stays the same."""
    from child_care import selectors

    today = datetime.date.today()
    due = {}
    for days in (-3, 0, 7, 8):
        kid = child(world.community_a)
        due[days] = services.schedule_visit(actor=None, person=kid, visitor=cc.director_a,
                                            due_on=today + datetime.timedelta(days=days))
    lists = selectors.due_lists(cc.director_a, today)
    assert [v.pk for v in lists["overdue"]] == [due[-3].pk]
    assert [v.pk for v in lists["due_soon"]] == [due[0].pk, due[7].pk]
    assert selectors.due_lists(cc.director_b, today) == {"overdue": [], "due_soon": []}


@pytest.mark.django_db
def test_the_due_list_api_answers_what_the_visit_serializer_would_and_logs_the_read(world, cc, api):
    """The API's due list is written without DRF's serializer (speed): the same JSON, one read event."""
    from child_care.api.serializers import ChildVisitSerializer
    from core.models import AuditEvent

    today = datetime.date.today()
    visits = []
    for days in (-3, 2):
        kid = child(world.community_a)
        visits.append(services.schedule_visit(actor=None, person=kid, visitor=cc.director_a,
                                              due_on=today + datetime.timedelta(days=days)))
    response = api(cc.director_a).get("/api/v1/child-care/visits/due/")
    assert response.status_code == 200
    expected = {"overdue": ChildVisitSerializer(visits[:1], many=True).data,
                "due_soon": ChildVisitSerializer(visits[1:], many=True).data}
    assert response.json() == json.loads(json.dumps(expected))
    assert response.json()["overdue"][0]["due_on"] == (today - datetime.timedelta(days=3)).isoformat()
    event = AuditEvent.objects.filter(actor=cc.director_a, action="core.read").latest("id")
    assert sorted(event.changes["ids"]) == sorted(str(v.pk) for v in visits) and event.area == world.community_a
