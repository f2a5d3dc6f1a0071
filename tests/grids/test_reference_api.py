"""The city-wide reference lists of grids through the API: the window's service items, the two lists of
community work, certificate types (and the negative list). Read by every grids role, written by nobody here."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from grids.models import CertificateType, ServiceItem, WorkItem

pytestmark = pytest.mark.django_db

LISTS = [("serviceitem", ServiceItem), ("workitem", WorkItem), ("certificatetype", CertificateType)]


@pytest.fixture(params=LISTS, ids=[name for name, _model in LISTS])
def reference(request):
    return request.param


def _urls(name, obj):
    return reverse(f"api:grids-{name}-list"), reverse(f"api:grids-{name}-detail", args=[obj.pk])


def test_anonymous_is_401_and_a_user_without_a_role_403(world, api, reference):
    name, model = reference
    listed, detail = _urls(name, model.objects.first())
    assert api().get(listed).status_code == 401
    assert api(world.outsider).get(listed).status_code == 403
    assert api(world.outsider).get(detail).status_code == 403


def test_every_grids_role_reads_the_whole_list_and_a_row(world, api, reference):
    name, model = reference
    obj = model.objects.first()
    assert obj is not None, "the reference lists are loaded by the migrations"
    listed, detail = _urls(name, obj)
    for user in (world.city_admin, world.officer_a, world.officer_b, world.street_officer_a, world.worker_a,
                 world.auditor):
        client = api(user)
        response = client.get(listed, {"page_size": 200})
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == set(model.objects.values_list("pk", flat=True))
        row = client.get(detail).json()
        assert (row["id"], row["code"], row["name"]) == (obj.pk, obj.code, obj.name)


def test_nothing_is_written_through_the_api(world, api, reference):
    name, model = reference
    obj = model.objects.first()
    listed, detail = _urls(name, obj)
    client = api(world.city_admin)
    before = (model.objects.count(), AuditEvent.objects.count())
    assert client.post(listed, {"code": "x", "name": "新"}, format="json").status_code == 405
    assert client.patch(detail, {"name": "改"}, format="json").status_code == 405
    assert client.delete(detail).status_code in (403, 405)  # no delete permission, no delete route
    assert (model.objects.count(), AuditEvent.objects.count()) == before
    obj.refresh_from_db()
    assert obj.name != "改"


def test_the_negative_list_is_filtered_and_names_the_department(world, api):
    response = api(world.worker_a).get(reverse("api:grids-certificatetype-list"), {"allowed": "false",
                                                                                   "page_size": 200})
    rows = response.json()["results"]
    assert rows and {r["code"] for r in rows} == set(
        CertificateType.objects.filter(allowed=False).values_list("code", flat=True))
    assert all(r["owner_department"] for r in rows)


def test_the_work_lists_are_filtered_by_list(world, api):
    work_list = WorkItem.objects.values_list("work_list", flat=True).first()
    response = api(world.officer_a).get(reverse("api:grids-workitem-list"), {"work_list": work_list,
                                                                            "page_size": 200})
    rows = response.json()["results"]
    assert rows and {r["work_list"] for r in rows} == {work_list}
    assert len(rows) == WorkItem.objects.filter(work_list=work_list).count()
