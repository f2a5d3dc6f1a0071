"""The governance API through the kit: no related record of another district can be named, and none
is told apart from a record that exists nowhere.

Oracle tests: the same request with another district's id and with an id that exists nowhere gets
the same status and, once each id is set aside, the same body — and writes nothing. Meta-tests: every
POST action of the governance viewsets is a declared ``Transition`` of the kit, and every writable
relation of the governance serializers is narrowed to the caller's areas.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.serializers import ScopedFieldsMixin
from core.models import AuditEvent
from governance import services
from governance.api import serializers as governance_serializers
from governance.api import views as governance_views
from governance.choices import BodyKind, Capacity, DisputeType, Stage
from governance.models import BodyMember, Category, Dispute, Matter, Meeting, PointsEntry, QuorumRule
from tests.factories.governance import Walker, category, raise_matter

pytestmark = pytest.mark.django_db

NOWHERE = 987654321
NO_COMMUNITY = "340302009999"  # a well-formed community code that no area has


def _text(response, given):
    return re.sub(rf"(?<!\w){re.escape(str(given))}(?!\w)", "ID", response.content.decode())


def _same(answer, absent, *, known, unknown):
    """Two answers are the same once the id each was given is set aside."""
    assert answer.status_code == absent.status_code
    assert _text(answer, known) == _text(absent, unknown)


def _error_fields(response):
    return set(response.json()["error"].get("fields", {}))


# --- create paths: matter, meeting, dispute -----------------------------------------------------------
def test_a_matter_raised_in_another_districts_community_reads_as_one_raised_in_no_community(world, api):
    url = reverse("api:governance-matter-list")
    body = {"title": "楼道灯不亮", "category": category().pk, "raised_by_name": "王五"}
    before = AuditEvent.objects.count()
    refused = api(world.officer_a).post(url, {**body, "area": world.community_b.code}, format="json")
    absent = api(world.officer_a).post(url, {**body, "area": NO_COMMUNITY}, format="json")
    assert refused.status_code == 400, refused.content
    assert _error_fields(refused) == {"area"}
    _same(refused, absent, known=world.community_b.code, unknown=NO_COMMUNITY)
    assert not Matter.objects.exists() and AuditEvent.objects.count() == before
    # …and in one's own community the same body raises the matter.
    assert api(world.officer_a).post(url, {**body, "area": world.community_a.code},
                                     format="json").status_code == 201


def test_a_dispute_registered_in_another_districts_community_reads_as_one_in_no_community(world, api):
    url = reverse("api:governance-dispute-list")
    body = {"parties": "甲、乙", "dispute_type": DisputeType.NEIGHBOUR, "mediator": "调解员",
            "received_on": "2020-03-01"}
    refused = api(world.officer_a).post(url, {**body, "area": world.community_b.code}, format="json")
    absent = api(world.officer_a).post(url, {**body, "area": NO_COMMUNITY}, format="json")
    assert refused.status_code == 400, refused.content
    assert _error_fields(refused) == {"area"}
    _same(refused, absent, known=world.community_b.code, unknown=NO_COMMUNITY)
    assert not Dispute.objects.exists()
    assert api(world.officer_a).post(url, {**body, "area": world.community_a.code},
                                     format="json").status_code == 201


def _meeting_body():
    return {"body_kind": BodyKind.CONSULTATION_COUNCIL, "scheduled_at": timezone.now().isoformat(),
            "location": "议事厅", "agenda": "议程", "eligible": 10}


def test_a_meeting_for_another_districts_matter_reads_as_a_meeting_for_no_matter(world, api):
    """A meeting is created on its matter (``/matters/{id}/schedule-meeting/``): another district's
    matter is not found, before its stage is looked at, exactly as a matter that does not exist."""
    Walker(world.community_b)
    elsewhere = raise_matter(world.community_b)
    services.accept_matter(actor=None, matter=elsewhere)  # a stage at which B could schedule the meeting
    before = AuditEvent.objects.count()
    client = api(world.officer_a)
    refused = client.post(reverse("api:governance-matter-schedule-meeting", args=[elsewhere.pk]), _meeting_body(),
                          format="json")
    absent = client.post(reverse("api:governance-matter-schedule-meeting", args=[NOWHERE]), _meeting_body(),
                         format="json")
    assert refused.status_code == 404
    _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)
    assert not Meeting.objects.exists() and AuditEvent.objects.count() == before


def test_a_meeting_is_scheduled_in_scope_and_answers_with_no_one_present_yet(world, api):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.ACCEPTED)
    response = api(walker.worker).post(reverse("api:governance-matter-schedule-meeting", args=[matter.pk]),
                                       _meeting_body(), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["matter"] == matter.pk and response.json()["present"] == 0
    assert Meeting.objects.filter(matter=matter).count() == 1


def test_another_districts_matter_in_a_meeting_filter_reads_as_a_matter_that_does_not_exist(world, api):
    """``?matter=`` of the meetings list chooses among one's own matters: before, another district's
    matter gave an empty page where an unknown id gave 400, which told the two apart."""
    walker = Walker(world.community_a)
    own = walker.to(Stage.DELIBERATING)
    elsewhere = raise_matter(world.community_b)
    url = reverse("api:governance-meeting-list")
    client = api(world.officer_a)
    refused = client.get(url, {"matter": elsewhere.pk})
    absent = client.get(url, {"matter": NOWHERE})
    assert refused.status_code == 400, refused.content
    _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)
    found = client.get(url, {"matter": own.pk})
    assert found.status_code == 200 and [m["matter"] for m in found.json()["results"]] == [own.pk]


@pytest.mark.parametrize("name", ["publication", "project", "evaluationround", "objection", "pointsentry"])
def test_every_matter_filter_of_the_api_reads_another_districts_matter_as_none(world, api, name):
    elsewhere = raise_matter(world.community_b)
    url = reverse(f"api:governance-{name}-list")
    refused = api(world.officer_a).get(url, {"matter": elsewhere.pk})
    absent = api(world.officer_a).get(url, {"matter": NOWHERE})
    assert refused.status_code == 400
    _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)


# --- other relations of the bodies ----------------------------------------------------------------------
def test_a_close_relative_in_another_districts_committee_reads_as_no_member(world, api):
    relative = services.add_body_member(actor=None, area=world.community_b, capacity=Capacity.TWO_COMMITTEES,
                                        name="赵六", term_start=datetime.date(2021, 1, 1))
    url = reverse("api:governance-bodymember-list")
    body = {"area": world.community_a.code, "capacity": "supervision_committee", "name": "钱七",
            "term_start": "2021-01-01"}
    refused = api(world.officer_a).post(url, {**body, "relative_of": relative.pk}, format="json")
    absent = api(world.officer_a).post(url, {**body, "relative_of": NOWHERE}, format="json")
    assert refused.status_code == 400
    assert _error_fields(refused) == {"relative_of"}
    _same(refused, absent, known=relative.pk, unknown=NOWHERE)
    assert BodyMember.objects.filter(area=world.community_a).count() == 0


def test_an_evaluation_answer_from_another_districts_grid_reads_as_one_from_no_grid(world, api):
    from core.choices import AreaLevel
    from tests.factories import make_area

    grid_b = make_area("340303001001001", AreaLevel.GRID, world.community_b, "第1网格")
    walker = Walker(world.community_a)
    rnd = walker.to(Stage.EVALUATING).evaluation_rounds.get()
    url = reverse("api:governance-evaluationround-respond", args=[rnd.pk])
    body = {"respondent": "居民甲", "score": 4}
    refused = api(walker.worker).post(url, {**body, "grid": grid_b.code}, format="json")
    absent = api(walker.worker).post(url, {**body, "grid": "340302001001999"}, format="json")
    assert refused.status_code == 400
    assert _error_fields(refused) == {"grid"}
    _same(refused, absent, known=grid_b.code, unknown="340302001001999")
    assert not rnd.responses.exists()


# --- what the conversion onto the kit answers -----------------------------------------------------------
def test_a_support_answers_with_the_count_that_includes_it(world, api):
    """The matter is read again after the support: the answer counts the support just given
    (the hand-written action answered with the count from before it)."""
    matter = raise_matter(world.community_a)
    client = api(world.officer_a)
    first = client.post(reverse("api:governance-matter-support", args=[matter.pk]), {"name": "李四"}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["supports_count"] == 1
    again = client.post(reverse("api:governance-matter-support", args=[matter.pk]), {"name": "李四"}, format="json")
    assert again.status_code == 409  # each resident once: the refusal with its reason
    assert again.json()["error"]["message"]


def test_a_reversal_needs_the_add_scope_and_answers_with_the_reversing_entry(world, api):
    walker = Walker(world.community_a)
    walker.to(Stage.DECIDED)
    entry = PointsEntry.objects.filter(event="attendance").first()
    url = reverse("api:governance-pointsentry-reverse", args=[entry.pk])
    assert api(world.officer_b).post(url, {"reason": "记错"}, format="json").status_code == 404
    assert api(world.auditor).post(url, {"reason": "记错"}, format="json").status_code == 403
    assert api(world.officer_a).post(url, {}, format="json").status_code == 400  # the reason is required
    done = api(world.officer_a).post(url, {"reason": "记错"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["reverses"] == entry.pk and done.json()["points"] == -entry.points


# --- meta-tests -----------------------------------------------------------------------------------------
def _viewsets():
    from rest_framework.viewsets import GenericViewSet

    return [cls for name, cls in vars(governance_views).items()
            if isinstance(cls, type) and issubclass(cls, GenericViewSet) and cls.__module__ == governance_views.__name__]


# POST actions that are not steps of a workflow (a download, a sub-list) and why; none today.
NOT_TRANSITIONS: dict[tuple[str, str], str] = {}


def test_every_action_of_the_governance_api_is_a_declared_transition():
    hand_written = []
    for viewset in _viewsets():
        for extra in viewset.get_extra_actions():
            if extra.__name__ not in viewset.transitions and (viewset.__name__, extra.__name__) not in NOT_TRANSITIONS:
                hand_written.append(f"{viewset.__name__}.{extra.__name__}")
    assert hand_written == []
    counted = sum(len(v.get_extra_actions()) for v in _viewsets())
    assert counted == 30  # the 27 hand-written actions and the 3 declared before, all declared now


# Related models without an area scope that any caller may name: the city's reference tables.
CITY_WIDE = {Category, QuorumRule}


def _writable_relations(serializer, path=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        inner = getattr(field, "child", field)
        if isinstance(inner, serializers.BaseSerializer):
            yield from _writable_relations(inner, f"{path}{name}.")
            continue
        relation = getattr(field, "child_relation", field)
        if isinstance(relation, serializers.RelatedField):
            yield serializer, name, relation


def test_every_writable_relation_of_the_governance_serializers_is_narrowed_to_the_scope(world):
    request = APIRequestFactory().post("/")
    request.user = world.officer_a
    loose = []
    for name, cls in vars(governance_serializers).items():
        if not (isinstance(cls, type) and issubclass(cls, serializers.BaseSerializer)
                and cls.__module__ == governance_serializers.__name__):
            continue
        assert issubclass(cls, ScopedFieldsMixin), name
        for owner, field_name, relation in _writable_relations(cls(context={"request": request})):
            model = relation.queryset.model
            declared = getattr(getattr(owner, "Meta", None), "scoped_relations", {})
            if not (hasattr(model._default_manager, "restrict") or field_name in declared or model in CITY_WIDE):
                loose.append(f"{name}.{field_name} → {model.__name__}")
    assert loose == []
