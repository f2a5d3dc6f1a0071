"""Related objects written through the API or handed to a service lie within the caller's areas.

An id from another district reads exactly like an id that exists nowhere: same status, same
message (DRF's "does not exist"), so the answer tells nothing about the other district.
"""

import datetime
import importlib
import inspect
import re

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.serializers import ScopedFieldsMixin, ScopedSerializer
from core.choices import AreaLevel
from core.exceptions import OutOfScope
from core.models import Area
from governance.api.serializers import BodyMemberSerializer, OpenEvaluationSerializer
from tests.factories import make_area
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.models import Activity, ServiceHourRecord

NOWHERE = 987654321


def _context(user):
    request = APIRequestFactory().post("/")
    request.user = user
    return {"request": request}


def _errors(serializer_class, user, data):
    body = serializer_class(data=data, context=_context(user))
    assert not body.is_valid()
    return body.errors


def _same(answer, absent, *, known, unknown):
    """Two API answers are the same once the id each one was given is set aside."""
    assert answer.status_code == absent.status_code
    def text(response, given):
        return re.sub(rf"(?<!\w){re.escape(str(given))}(?!\w)", "ID", response.content.decode())

    assert text(answer, known) == text(absent, unknown)


@pytest.mark.django_db
def test_hours_for_a_volunteer_of_another_district_are_refused_as_for_an_unknown_volunteer(world, api):
    team = vf.team(world.community_a, manager=world.officer_a)
    elsewhere = vf.volunteer(world.community_b)
    url = reverse("api:volunteers-hours-list")
    payload = {"team": team.pk, "hours": "3", "service_date": "2024-05-01"}
    refused = api(world.officer_a).post(url, {**payload, "volunteer": elsewhere.pk}, format="json")
    absent = api(world.officer_a).post(url, {**payload, "volunteer": NOWHERE}, format="json")
    assert refused.status_code == 400
    assert "volunteer" in refused.json()["error"]["fields"]
    _same(refused, absent, known=elsewhere.pk, unknown=NOWHERE)
    assert not ServiceHourRecord.objects.exists()


@pytest.mark.django_db
def test_a_team_in_another_district_is_refused_as_for_an_area_that_does_not_exist(world, api):
    url = reverse("api:volunteers-team-list")
    refused = api(world.officer_a).post(url, {"name": "青年志愿队", "area": world.community_b.code}, format="json")
    absent = api(world.officer_a).post(url, {"name": "青年志愿队", "area": "340302009999"}, format="json")
    assert refused.status_code == 400
    _same(refused, absent, known=world.community_b.code, unknown="340302009999")


@pytest.mark.django_db
def test_grids_of_another_district_are_refused_in_a_many_field_as_unknown_grids(world):
    grid_b = make_area("340303001001001", AreaLevel.GRID, world.community_b, "第1网格")
    data = {"closes_at": "2030-01-01T00:00:00+08:00"}
    refused = _errors(OpenEvaluationSerializer, world.officer_a, {**data, "grids": [world.grid_a.code, grid_b.code]})
    absent = _errors(OpenEvaluationSerializer, world.officer_a, {**data, "grids": ["340302001001999"]})
    assert str(refused["grids"][0]).replace(grid_b.code, "ID") == str(absent["grids"][0]).replace("340302001001999", "ID")
    assert OpenEvaluationSerializer(data={**data, "grids": [world.grid_a.code]},
                                    context=_context(world.officer_a)).is_valid()


@pytest.mark.django_db
def test_an_account_of_another_district_cannot_be_a_body_member_by_the_declared_restriction(world):
    data = {"area": world.community_a.code, "capacity": "two_committees", "name": "李四",
            "term_start": "2024-01-01"}
    refused = _errors(BodyMemberSerializer, world.officer_a, {**data, "user": world.officer_b.pk})
    absent = _errors(BodyMemberSerializer, world.officer_a, {**data, "user": NOWHERE})
    assert [str(e).replace(str(world.officer_b.pk), "ID") for e in refused["user"]] == \
        [str(e).replace(str(NOWHERE), "ID") for e in absent["user"]]
    inside = BodyMemberSerializer(data={**data, "user": world.worker_a.pk}, context=_context(world.officer_a))
    assert inside.is_valid(), inside.errors


class _PlaceSerializer(ScopedSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())


class _TourSerializer(ScopedSerializer):
    stops = _PlaceSerializer(many=True)


@pytest.mark.django_db
def test_a_nested_writable_serializer_narrows_its_relations_with_the_callers_scope(world):
    refused = _errors(_TourSerializer, world.officer_a, {"stops": [{"area": world.community_b.code}]})
    absent = _errors(_TourSerializer, world.officer_a, {"stops": [{"area": "340302009999"}]})
    assert str(refused["stops"][0]["area"][0]).replace(world.community_b.code, "ID") == \
        str(absent["stops"][0]["area"][0]).replace("340302009999", "ID")
    assert _TourSerializer(data={"stops": [{"area": world.community_a.code}]},
                           context=_context(world.officer_a)).is_valid()


@pytest.mark.django_db
def test_without_a_user_a_scoped_relation_finds_nothing(world):
    assert not _PlaceSerializer(data={"area": world.community_a.code}, context={}).is_valid()


@pytest.mark.parametrize("module", ["core.api.serializers", "governance.api.serializers",
                                    "volunteers.api.serializers", "reports.api.serializers"])
def test_every_serializer_of_the_api_narrows_its_relations_to_the_scope(module):
    mod = importlib.import_module(module)
    unscoped = [name for name, cls in inspect.getmembers(mod, inspect.isclass)
                if cls.__module__ == module and issubclass(cls, serializers.BaseSerializer)
                and not issubclass(cls, ScopedFieldsMixin)]
    assert unscoped == []


# --- services check every related object they are handed -----------------------------------------------
@pytest.mark.django_db
def test_an_activity_cannot_be_created_for_another_districts_team(world):
    team_b = vf.team(world.community_b)
    with pytest.raises(OutOfScope):
        services.create_activity(actor=world.officer_a, team=team_b, area=world.community_a, title="助老")
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_hours_for_a_volunteer_outside_the_callers_areas(world):
    team = vf.team(world.community_a, manager=world.officer_a)
    elsewhere = vf.volunteer(world.community_b)
    with pytest.raises(OutOfScope):
        services.record_hours(actor=world.officer_a, volunteer=elsewhere, team=team, hours="2",
                              service_date=datetime.date(2024, 5, 1))
    assert not ServiceHourRecord.objects.exists()
