"""The incident list at a city's scale (bench/grids_incidents.py): the API's direct serialisation, the page's
cached counters that stand for its count, and pages that never lose a row to a stale count."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework import serializers

from grids.api.serializers import IncidentSerializer
from grids.choices import OnTime, State
from grids.models import Incident
from tests.factories import grids as f

pytestmark = pytest.mark.django_db


def counter(page: str, value: str) -> int:
    return int(re.search(rf'data-counter="{value}"><span class="fs-5 fw-bold">(\d+)</span>', page).group(1))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_api_row_is_what_drfs_generic_serialisation_gives(world, language):
    routed = f.incident(world.grid_a)
    other = f.incident(world.grid_a, code="littering")
    closed = Incident.objects.select_related("area", "category", "unit").get(pk=other.pk)
    closed.state, closed.closed_on, closed.reason = State.CLOSED, timezone.localdate(), "已处置"
    closed.duplicate_of, closed.unit, closed.satisfaction = routed, None, 4
    with translation.override(language):
        for incident in (Incident.objects.select_related("area", "category", "unit").get(pk=routed.pk), closed):
            generic = serializers.ModelSerializer.to_representation(IncidentSerializer(), incident)
            assert IncidentSerializer(incident).data == dict(generic)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_api_list_rows_are_what_drfs_generic_serialisation_gives(world, api, language):
    routed = f.incident(world.grid_a)
    other = f.incident(world.grid_a, code="littering")
    Incident.objects.filter(pk=other.pk).update(state=State.CLOSED, closed_on=timezone.localdate(), reason="已处置",
                                                duplicate_of=routed, unit=None, satisfaction=4)
    overdue = f.incident(world.grid_a)
    Incident.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    response = api(world.officer_a).get(reverse("api:grids-incident-list"), HTTP_ACCEPT_LANGUAGE=language)
    rows = {r["id"]: r for r in response.json()["results"]}
    with translation.override(language):
        for incident in Incident.objects.select_related("area", "category", "unit"):
            generic = serializers.ModelSerializer.to_representation(IncidentSerializer(), incident)
            assert rows[incident.pk] == dict(generic)
    assert rows[overdue.pk]["is_overdue"] and rows[other.pk]["unit"] is None


def test_the_counters_follow_a_change_in_the_scope_after_commit(world, web, django_capture_on_commit_callbacks):
    f.incident(world.grid_a)
    client = web(world.street_officer_a)
    page = client.get(reverse("grids:incident-list")).content.decode()
    assert counter(page, OnTime.PENDING_ON_TIME) == 1
    with django_capture_on_commit_callbacks(execute=True):
        f.incident(world.grid_a)
    page = client.get(reverse("grids:incident-list")).content.decode()
    assert counter(page, OnTime.PENDING_ON_TIME) == 2


def test_a_count_behind_the_rows_hides_neither_a_row_nor_the_next_page(world, web):
    first = f.incident(world.grid_a)
    client = web(world.street_officer_a)
    page = client.get(reverse("grids:incident-list")).content.decode()
    assert counter(page, OnTime.PENDING_ON_TIME) == 1  # now in the cache
    # 50 more rows written around the model (no signal, no new version): the cached count says 1
    Incident.objects.bulk_create([
        Incident(ref=f"{first.ref}-{n}", area=first.area, source=first.source, category=first.category,
                 description="楼道堆放垃圾", state=State.ROUTED, unit=first.unit, due_on=first.due_on,
                 filed_at=first.filed_at - datetime.timedelta(minutes=n))
        for n in range(1, 51)])
    page = client.get(reverse("grids:incident-list")).content.decode()
    assert counter(page, OnTime.PENDING_ON_TIME) == 1  # the counters lag (until a change or their TTL)
    assert len(re.findall(r'<td><a href="[^"]*/incidents/\d+/">', page)) == 50
    assert "page=2" in page  # the 51st row is on a second page, which is offered
    second = client.get(reverse("grids:incident-list") + "?page=2").content.decode()
    assert f"{first.ref}-50" in second
    assert client.get(reverse("grids:incident-list") + "?page=3").status_code == 404


def test_the_page_count_is_the_counters_sum_without_a_count_query(world, web):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        f.incident(world.grid_a)
    client = web(world.street_officer_a)
    client.get(reverse("grids:incident-list"))  # counters cached
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("grids:incident-list")).content.decode()
    assert counter(page, OnTime.PENDING_ON_TIME) == 3
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
