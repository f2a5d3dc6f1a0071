"""Every viewset passes the scoped persona matrix; plus the ledger rules through the API."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import id_number
from tests.factories import volunteers as vf
from tests.scoped import API
from volunteers import services
from volunteers.models import ServiceHourRecord, Team


class TestVolunteerAPI(API.CRUD, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-volunteer"
    audit_action_prefix = "volunteers.volunteer."

    def make_object(self, world):
        return vf.volunteer(world.community_a)

    def create_payload(self, world):
        return {"name": "王五", "id_number": id_number("340302", datetime.date(1992, 2, 2)),
                "area": world.community_a.code, "registered_on": "2020-06-01", "phone": "13700001111"}

    def update_payload(self, world, obj):
        return {"skills": "急救"}


class TestTeamAPI(API.CRUD, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-team"
    audit_action_prefix = "volunteers.team."

    def make_object(self, world):
        return vf.team(world.community_a)

    def create_payload(self, world):
        return {"name": "和平社区志愿服务队", "area": world.community_a.code, "join_mode": "open"}

    def update_payload(self, world, obj):
        return {"description": "助老助残"}


class TestActivityAPI(API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-activity"
    audit_action_prefix = "volunteers.activity."

    def make_object(self, world):
        return services.create_activity(actor=None, team=vf.team(world.community_a), title="清洁家园")

    def create_payload(self, world):
        return {"team": vf.team(world.community_a).pk, "title": "敬老院探访"}


class TestShiftAPI(API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-shift"
    audit_action_prefix = "volunteers.shift."

    def make_object(self, world):
        return vf.past_shift(vf.team(world.community_a))

    def create_payload(self, world):
        activity = services.create_activity(actor=None, team=vf.team(world.community_a), title="义诊")
        return {"activity": activity.pk, "place": "广场", "starts_at": "2030-01-01T09:00:00+08:00",
                "ends_at": "2030-01-01T12:00:00+08:00", "quota": 5}


def _team_managed_by(world, user):
    return vf.team(world.community_a, manager=user)


class TestHourRecordAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-hours"
    audit_action_prefix = "volunteers.hours."

    def make_object(self, world):
        team = Team.objects.filter(memberships__user=world.officer_a).first() or _team_managed_by(world, world.officer_a)
        vol = vf.volunteer(world.community_a)
        return services.record_hours(actor=None, volunteer=vol, team=team, hours=2,
                                     service_date=datetime.date(2024, 5, 1))

    def create_payload(self, world):
        team = _team_managed_by(world, world.officer_a)
        return {"volunteer": vf.volunteer(world.community_a).pk, "team": team.pk, "hours": "2.5",
                "service_date": "2024-05-01", "description": "助老"}

    def update_payload(self, world, obj):
        return {"hours": "1.5"}


class TestSocialWorkerAPI(API.CRUD, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-socialworker"
    audit_action_prefix = "volunteers.socialworker."

    def make_object(self, world):
        return services.register_social_worker(
            actor=None, name="社工甲", id_number=id_number("340302", datetime.date(1988, 8, 8)), level="social_worker",
            certificate_no=f"S{id_number('340302', datetime.date(1989, 1, 1))}", certified_year=2019,
            area=world.community_a)

    def create_payload(self, world):
        return {"name": "社工乙", "id_number": id_number("340302", datetime.date(1987, 7, 7)), "level": "assistant",
                "certificate_no": "ZS-2018-0001", "certified_year": 2018, "area": world.street_a.code}

    def update_payload(self, world, obj):
        return {"employer": "蚌埠市社工服务中心"}


class TestTrainingAPI(API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "volunteers-training"
    audit_action_prefix = "volunteers.training."

    def make_object(self, world):
        return services.create_training(actor=None, title="助老志愿服务培训", topic="elderly_care",
                                        area=world.district_a, held_on=datetime.date(2020, 9, 1))

    def create_payload(self, world):
        return {"title": "系统使用培训", "topic": "system_use", "area": world.district_a.code, "held_on": "2020-10-01",
                "with_civilisation_office": True}


@pytest.mark.django_db
def test_the_api_refuses_a_volunteer_recording_their_own_hours(world, api):
    from core.choices import Role
    from tests.factories import grant

    vol_user = vf.manager_user(world.community_a, "vol_and_staff")
    grant(vol_user, Role.COMMUNITY_WORKER, world.community_a)
    vol = vf.volunteer(world.community_a, user=vol_user)
    team = _team_managed_by(world, vol_user)
    response = api(vol_user).post(reverse("api:volunteers-hours-list"),
                                  {"volunteer": vol.pk, "team": team.pk, "hours": "3", "service_date": "2024-05-01"},
                                  format="json")
    assert response.status_code == 403
    assert not ServiceHourRecord.objects.exists()


@pytest.mark.django_db
def test_the_api_approves_then_refuses_to_edit_the_approved_record(world, api):
    team = _team_managed_by(world, world.officer_a)
    vol = vf.volunteer(world.community_a)
    client = api(world.officer_a)
    created = api(vf.recorder(team)).post(reverse("api:volunteers-hours-list"),
                                          {"volunteer": vol.pk, "team": team.pk, "hours": "3",
                                           "service_date": "2024-05-01"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    approved = client.post(reverse("api:volunteers-hours-approve", args=[pk]))
    assert approved.status_code == 200 and approved.json()["chain_seq"] == 1
    edit = client.patch(reverse("api:volunteers-hours-detail", args=[pk]), {"hours": "5"}, format="json")
    assert edit.status_code == 409
    assert edit.json()["error"]["code"] == "transition_refused"


@pytest.mark.django_db
def test_the_volunteer_list_filters_by_street_and_never_shows_the_id_in_clear(world, api):
    inside = vf.volunteer(world.community_a)
    vf.volunteer(world.community_b)
    rows = api(world.city_admin).get(reverse("api:volunteers-volunteer-list"),
                                     {"area": world.street_a.code}).json()["results"]
    assert [r["id"] for r in rows] == [inside.pk]
    assert "********" in rows[0]["id_number"]


@pytest.mark.django_db
def test_an_import_uploaded_through_the_api_runs_and_reports_per_row(world, api, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = ("姓名,证件号码,区划代码,注册时间\n"
            f"钱七,{id_number('340302', datetime.date(1991, 1, 1))},{world.community_a.code},2020-01-01\n"
            f"孙八,{id_number('340302', datetime.date(1991, 1, 2))},{world.community_b.code},2020-01-01\n")
    client = api(world.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:volunteers-import-list"),
                               {"kind": "volunteers", "file": SimpleUploadedFile("v.csv", body.encode())},
                               format="multipart")
    assert response.status_code == 201, response.content
    job = client.get(reverse("api:volunteers-import-detail", args=[response.json()["id"]])).json()
    assert (job["status"], job["created"], job["error_count"]) == ("done", 1, 1)
    assert job["errors"][0]["line"] == 3 and job["errors"][0]["column"] == "区划代码"  # as the file names it
    assert api(world.officer_b).get(reverse("api:volunteers-import-detail", args=[job["id"]])).status_code == 404
    assert api().get(reverse("api:volunteers-import-list")).status_code == 401


def _walk(client, url, params):
    """Every row of a cursor-paginated list, following the next links."""
    seen, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            return seen
        response = client.get(body["next"])


@pytest.mark.django_db
def test_a_streets_list_pages_newest_first_across_its_communities_and_nothing_else(world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import Area

    second = Area.objects.create(code=world.community_a.code[:9] + "099", name="第二社区", level="community",
                                 kind="urban", parent=world.street_a)
    made = [vf.volunteer(world.community_a if i % 3 else second).pk for i in range(8)]
    elsewhere = vf.volunteer(world.community_b).pk
    url = reverse("api:volunteers-volunteer-list")
    with CaptureQueriesContext(connection) as queries:
        by_street = _walk(api(world.street_officer_a), url, {"area": world.street_a.code, "page_size": 3})
        by_scope = _walk(api(world.officer_a), url, {"page_size": 3})
        one_community = _walk(api(world.officer_a), url, {"area": second.code, "page_size": 2})
    assert by_street == by_scope == sorted(made, reverse=True)
    assert one_community == sorted(made[::3], reverse=True)
    assert elsewhere not in by_scope
    if connection.vendor == "postgresql":  # the per-area narrowing is what served these pages
        assert any("LATERAL" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:  # the whole city: the plain newest-first read
        by_city = _walk(api(world.city_admin), url, {"area": world.city.code, "page_size": 4})
    assert by_city == sorted([*made, elsewhere], reverse=True)
    assert not any("LATERAL" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_a_forged_cursor_is_refused_as_not_found_not_a_server_error(world, api):
    import base64

    vf.volunteer(world.community_a)
    cursor = base64.b64encode(b"p=abc").decode()
    response = api(world.officer_a).get(reverse("api:volunteers-volunteer-list"), {"cursor": cursor})
    assert response.status_code == 404 and response.json()["error"]["status"] == 404


@pytest.mark.django_db
def test_the_lean_list_representation_is_exactly_drfs(world):
    # The list's fast path must not change a single value: compare it with DRF's own walk over
    # rows with and without the optional fields (phone, guardian, hours, stars).
    import datetime as dt
    from decimal import Decimal

    from rest_framework import serializers

    from volunteers.api.serializers import VolunteerSerializer
    from volunteers.models import Volunteer

    vf.volunteer(world.community_a, phone="")
    vf.volunteer(world.community_a, born=dt.date(2005, 1, 1), guardian_name="王父",
                 guardian_consent_on=dt.date(2020, 1, 1), registered_on=dt.date(2020, 6, 1))
    starred = vf.volunteer(world.community_a)
    Volunteer.objects.filter(pk=starred.pk).update(approved_hours=Decimal("312.5"), star_level=2)
    rows = list(Volunteer.objects.select_related("area").order_by("id"))
    lean = VolunteerSerializer(rows, many=True).data
    plain = [serializers.ModelSerializer.to_representation(VolunteerSerializer(), row) for row in rows]
    assert [dict(r) for r in lean] == [dict(r) for r in plain]
    # The API list reads rows as dicts of the shown columns: the same output again.
    child = VolunteerSerializer()
    as_values = [child.represent_values(row) for row in
                 Volunteer.objects.order_by("id").values(*child.values_columns())]
    assert as_values == [dict(r) for r in plain]
    assert lean[-1]["approved_hours"] == plain[-1]["approved_hours"] and lean[-1]["star_level"] == 2
    assert lean[0]["phone"] == plain[0]["phone"] and "*" in lean[1]["id_number"]


@pytest.mark.django_db
def test_a_list_shows_stored_masked_copies_decrypts_nothing_and_follows_changes(world, api, web, monkeypatch):
    from core import personal
    from volunteers import services
    from volunteers.models import Volunteer

    v = vf.volunteer(world.community_a, phone="13912345678")
    services.update_volunteer(actor=world.city_admin, volunteer=v, phone="13698765432")
    number = Volunteer.objects.get(pk=v.pk).id_number.reveal_unchecked()

    def refuse(token):
        raise AssertionError("a list decrypted a value")

    monkeypatch.setattr(personal, "decrypt", refuse)
    rows = api(world.city_admin).get(reverse("api:volunteers-volunteer-list"), {"area": world.street_a.code}).json()
    assert rows["results"][0]["id_number"] == number[:6] + "********" + number[-4:]
    assert rows["results"][0]["phone"] == "136****5432"  # the phone as changed, not as registered
    # The staff page and its export read the same copies.
    page = web(world.city_admin).get(reverse("volunteers:volunteer-list")).content.decode()
    assert number[:6] + "********" + number[-4:] in page
    export = web(world.city_admin).get(reverse("volunteers:volunteer-list"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "136****5432" in body and number not in body


@pytest.mark.django_db
def test_the_migration_masks_volunteers_registered_before_it(world):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from volunteers.models import Volunteer

    v = vf.volunteer(world.community_a, phone="13912345678")
    Volunteer.objects.filter(pk=v.pk).update(id_number_masked=None, phone_masked=None)
    migration = import_module("volunteers.migrations.0005_masked_copies")
    migration.fill_masked_copies(apps, type("Editor", (), {"connection": connection})())
    row = Volunteer.objects.values("id_number_masked", "phone_masked").get(pk=v.pk)
    assert row == {"id_number_masked": str(v.id_number), "phone_masked": "139****5678"}


@pytest.mark.django_db
def test_a_list_page_costs_the_same_queries_however_many_rows_it_shows(world, api):
    # The list reads only the columns it shows; a field it forgot would cost one query per row.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(world.city_admin)
    url = reverse("api:volunteers-volunteer-list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = client.get(url, {"area": world.street_a.code}).json()["results"]
        return len(captured), len(rows)

    vf.volunteer(world.community_a)
    queries()  # the first request also reads what every later one finds kept (scope, area prefix)
    few = queries()
    for _ in range(5):
        vf.volunteer(world.community_a, phone="13912345678")
    many = queries()
    assert (few[1], many[1]) == (1, 6) and few[0] == many[0]
