"""API conventions (errors, token, schema, docs offline) and operations (health, Celery)."""

import io
import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
class TestApiConventions:
    def test_a_validation_error_has_the_one_error_shape_with_field_messages(self, world, api):
        response = api(world.officer_a).post("/api/v1/areas/", {"code": "12", "name": "", "level": "grid"},
                                              format="json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["status"] == 400 and error["code"] == "invalid"
        assert "name" in error["fields"] and error["message"]

    def test_a_service_refusal_names_the_field(self, world, api):
        response = api(world.officer_a).post("/api/v1/areas/", {
            "code": "340302001001999", "name": "网格", "level": "grid", "kind": "urban",
            "parent": world.street_a.code}, format="json")  # a grid's parent must be a community
        assert response.status_code == 400
        assert "parent" in response.json()["error"]["fields"]

    def test_not_found_uses_the_error_shape(self, world, api):
        response = api(world.officer_a).get("/api/v1/areas/999999999999/")
        assert response.status_code == 404 and response.json()["error"]["status"] == 404

    def test_a_token_signs_in_api_calls(self, world, api):
        token = api().post("/api/v1/auth/token/", {"username": "officer_a", "password": "Str0ng-pass!"}).json()["token"]
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        codes = {row["code"] for row in client.get("/api/v1/areas/", {"level": "county"}).json()["results"]}
        assert codes == {"340302000000"}

    def test_a_token_stops_working_at_once_when_its_user_is_deactivated_or_it_is_deleted(self, world):
        # The token's user is kept per process between requests; what could change the answer
        # must apply from the next request.
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        def client_for(token):
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return client

        token = Token.objects.create(user=world.officer_a)
        client = client_for(token)
        assert client.get("/api/v1/areas/").status_code == 200
        assert client.get("/api/v1/areas/").status_code == 200  # served from what was kept
        world.officer_a.is_active = False
        world.officer_a.save()
        assert client.get("/api/v1/areas/").status_code == 401
        world.officer_a.is_active = True
        world.officer_a.save()
        assert client.get("/api/v1/areas/").status_code == 401  # deactivation ended the token for good
        token = Token.objects.create(user=world.officer_a)
        client = client_for(token)
        assert client.get("/api/v1/areas/").status_code == 200
        token.delete()
        assert client.get("/api/v1/areas/").status_code == 401
        other = client_for(Token.objects.create(user=world.officer_b))
        codes = {row["code"] for row in other.get("/api/v1/areas/", {"level": "county"}).json()["results"]}
        assert codes == {"340303000000"}  # the right user for each token

    def test_a_sign_in_stamp_does_not_make_every_process_reread_access(self, world, monkeypatch):
        from core import scope

        bumps = []
        monkeypatch.setattr(scope, "access_changed", lambda **kw: bumps.append(kw))
        scope.user_changed(sender=None, instance=world.officer_a, update_fields=frozenset({"last_login"}))
        assert bumps == []
        scope.user_changed(sender=None, instance=world.officer_a, update_fields=None)
        scope.user_changed(sender=None, instance=world.officer_a, update_fields=frozenset({"is_active"}))
        assert len(bumps) == 2

    def test_wrong_credentials_get_no_token(self, world, api):
        response = api().post("/api/v1/auth/token/", {"username": "officer_a", "password": "nope"})
        assert response.status_code == 400 and "token" not in response.json()

    def test_the_openapi_schema_lists_the_area_endpoints(self, world, api):
        response = api(world.officer_a).get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        paths = response.json()["paths"]
        assert "/api/v1/areas/" in paths and "/api/v1/areas/{code}/" in paths

    def test_the_whole_schema_generates_without_warnings(self):
        # Two apps' serializers or enums with the same name silently overwrite each other in the
        # schema clients are generated from; drf-spectacular only warns, so fail on the warning.
        from django.core.management import call_command
        from drf_spectacular.drainage import GENERATOR_STATS

        GENERATOR_STATS.reset()
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())

    def test_swagger_ui_loads_its_assets_from_this_server(self, world, web):
        body = web(world.officer_a).get("/api/docs/").content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', body)
        assert sources and all(not s.startswith(("http://", "https://", "//")) for s in sources), sources


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["status"] == "ok"


@pytest.mark.django_db
def test_home_shows_the_users_areas_and_roles(world, web):
    body = web(world.officer_a).get(reverse("home")).content.decode()
    assert "龙子湖区" in body and "蚌山区" not in body


@pytest.mark.django_db
def test_area_page_summarises_what_lies_below(world, web):
    from tests.factories import population

    population(world.community_a, resident=5000, registered=5600)
    body = web(world.officer_a).get(reverse("area-detail", args=[world.district_a.code])).content.decode()
    digits = body.replace(",", "")  # grouping differs by language (zh-hans groups by 4)
    assert "5000" in digits and "5600" in digits and world.street_a.name in body


def test_clearing_the_cache_keeps_celerys_queue_and_other_prefixes(settings):
    # Cache and broker share REDIS_URL's database; Django's own clear() would flush both.
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("needs Redis (make test starts one)")
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    client.set("celery-queue-test", "a queued task")
    client.set("other-worker*:1:k", "another prefix's key")
    cache.set("mine", "cached")
    try:
        cache.clear()
        assert cache.get("mine") is None
        assert client.get("celery-queue-test") == b"a queued task"
        assert client.get("other-worker*:1:k") == b"another prefix's key"
    finally:
        client.delete("celery-queue-test", "other-worker*:1:k")
