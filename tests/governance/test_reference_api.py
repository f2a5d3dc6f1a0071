"""Reference data (categories, quorum rules) and community settings through the API: reference
data is read by every officer and written only by the city with an audit row; settings are bound
to the community like every other area-bound record."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from governance import services
from governance.choices import BodyKind
from governance.models import Category, CommunitySetting, QuorumRule
from tests.factories import make_area
from tests.scoped import API


class TestCommunitySettingAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "governance-communitysetting"
    audit_action_prefix = "governance.setting."
    read_only_persona = "auditor"

    def make_object(self, world):
        return services.save_community_setting(actor=None, area=world.community_a, adults=100, households=40)

    def make_many(self, world, n):
        from core.choices import AreaLevel

        start = CommunitySetting.objects.count()
        return [services.save_community_setting(
            actor=None, area=make_area(f"340302001{start + i + 100:03d}", AreaLevel.COMMUNITY, world.street_a,
                                       f"社区{start + i}"), adults=10) for i in range(n)]

    def create_payload(self, world):
        return {"area": world.community_a.code, "adults": 120, "households": 50, "secretary_is_director": True}

    def update_payload(self, world, obj):
        return {"households": obj.households + 1}


def test_a_second_setting_for_the_same_community_is_400_on_the_area(world, api):
    TestCommunitySettingAPI().make_object(world)
    response = api(world.officer_a).post(reverse("api:governance-communitysetting-list"),
                                         {"area": world.community_a.code, "adults": 1}, format="json")
    assert response.status_code == 400
    assert "area" in response.json()["error"]["fields"]


def test_a_setting_outside_ones_area_cannot_be_created(world, api):
    # Refused exactly as a community that does not exist (scoped serializers): nothing tells them apart.
    url = reverse("api:governance-communitysetting-list")
    response = api(world.officer_b).post(url, {"area": world.community_a.code, "adults": 1}, format="json")
    absent = api(world.officer_b).post(url, {"area": "340302001999", "adults": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == absent.json()["error"]["message"].replace("340302001999",
                                                                                           world.community_a.code)
    assert not CommunitySetting.objects.exists()


def test_settings_belong_to_a_community(world, api):
    response = api(world.officer_a).post(reverse("api:governance-communitysetting-list"),
                                         {"area": world.street_a.code, "adults": 1}, format="json")
    assert response.status_code == 400
    assert "area" in response.json()["error"]["fields"]


CATEGORY = {"name": "停车管理", "response_days": 5, "is_major": False, "publication_days": 3}
RULE = {"body_kind": BodyKind.VILLAGERS_ASSEMBLY, "province": "34", "attendance_num": 2, "attendance_den": 3,
        "pass_num": 1, "pass_den": 2, "source": "安徽省实施办法"}


@pytest.mark.parametrize(("name", "model", "payload", "change"), [
    ("category", Category, CATEGORY, {"response_days": 3}),
    ("quorumrule", QuorumRule, RULE, {"notice_days": 7}),
])
class TestReferenceAPI:
    def _list(self, name):
        return reverse(f"api:governance-{name}-list")

    def _detail(self, name, obj):
        return reverse(f"api:governance-{name}-detail", args=[obj.pk])

    def test_anonymous_is_401(self, world, api, name, model, payload, change):
        response = api().get(self._list(name))
        assert response.status_code == 401
        assert response.json()["error"]["status"] == 401

    def test_no_role_is_403(self, world, api, name, model, payload, change):
        assert api(world.outsider).get(self._list(name)).status_code == 403

    def test_an_officer_reads_the_list_and_a_row(self, world, api, name, model, payload, change):
        obj = model.objects.first()
        assert obj is not None, "the statutory defaults are loaded by the migrations"
        for user in (world.officer_a, world.worker_a, world.auditor):
            client = api(user)
            listed = client.get(self._list(name))
            assert listed.status_code == 200
            assert obj.pk in {row["id"] for row in listed.json()["results"]}
            assert client.get(self._detail(name, obj)).status_code == 200

    def test_a_district_officer_cannot_write(self, world, api, name, model, payload, change):
        obj = model.objects.first()
        client = api(world.officer_a)
        before = AuditEvent.objects.count()
        created = client.post(self._list(name), payload, format="json")
        assert created.status_code == 403
        assert created.json()["error"]["status"] == 403
        assert client.patch(self._detail(name, obj), change, format="json").status_code == 403
        assert AuditEvent.objects.count() == before

    def test_the_city_admin_creates_and_changes_with_audit(self, world, api, name, model, payload, change):
        client = api(world.city_admin)
        created = client.post(self._list(name), payload, format="json")
        assert created.status_code == 201, created.content
        obj = model.objects.get(pk=created.json()["id"])
        assert AuditEvent.objects.filter(actor=world.city_admin, action=f"governance.{name}.save",
                                         target_id=str(obj.pk)).exists()
        changed = client.patch(self._detail(name, obj), change, format="json")
        assert changed.status_code == 200, changed.content
        field, value = next(iter(change.items()))
        obj.refresh_from_db()
        assert getattr(obj, field) == value
        events = AuditEvent.objects.filter(actor=world.city_admin, action=f"governance.{name}.save",
                                           target_id=str(obj.pk))
        assert events.count() == 2

    def test_bad_input_is_400_with_field_errors(self, world, api, name, model, payload, change):
        bad = {**payload, "name": "", "response_days": -1} if model is Category else {**payload, "pass_den": 0,
                                                                                        "body_kind": "nonsense"}
        response = api(world.city_admin).post(self._list(name), bad, format="json")
        assert response.status_code == 400
        fields = response.json()["error"]["fields"]
        assert set(fields) >= ({"name", "response_days"} if model is Category else {"pass_den", "body_kind"})


def test_a_duplicate_quorum_rule_is_400(world, api):
    existing = QuorumRule.objects.first()
    response = api(world.city_admin).post(reverse("api:governance-quorumrule-list"), {
        **RULE, "body_kind": existing.body_kind, "province": existing.province}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_household_ratio_needs_both_parts(world, api):
    response = api(world.city_admin).post(reverse("api:governance-quorumrule-list"),
                                          {**RULE, "household_num": 1}, format="json")
    assert response.status_code == 400
    assert "household_den" in response.json()["error"]["fields"]


def test_the_services_refuse_without_the_permission(world):
    from core.exceptions import NoPermission

    with pytest.raises(NoPermission):
        services.save_category(actor=world.officer_a, **CATEGORY)
    assert not Category.objects.filter(name=CATEGORY["name"]).exists()
