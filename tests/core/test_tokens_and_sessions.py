"""API tokens expire, die with a change of the user's rights and honour the second factor; sessions
end when idle; the token endpoint's limits cannot be dodged; security events are audited."""

import datetime
import itertools
import random
import types

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import services
from core.choices import Role
from core.models import AuditEvent, StaffGrant

PASSWORD = "Str0ng-pass!"
TOKEN_URL = "/api/v1/auth/token/"

# The token endpoint's rate limit is kept in the shared cache for a minute: every test asks from
# addresses of its own, so tests (and test runs) never share a limit.
_addresses = (f"10.{random.randrange(256)}.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _issue(username, *, otp_token=None, ip=None, **extra):
    data = {"username": username, "password": PASSWORD}
    if otp_token is not None:
        data["otp_token"] = otp_token
    return APIClient().post(TOKEN_URL, data, REMOTE_ADDR=ip or next(_addresses), **extra)


def _token_of(username, **kwargs):
    response = _issue(username, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _client(key):
    client = APIClient(REMOTE_ADDR=next(_addresses))
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _works(key) -> bool:
    status = _client(key).get("/api/v1/areas/").status_code
    assert status in (200, 401), status
    return status == 200


@pytest.mark.django_db
class TestTokenLifetime:
    def test_a_token_older_than_its_lifetime_is_refused_and_a_new_one_can_be_asked_for(self, world, settings):
        settings.PORTAL_TOKEN_TTL_SECONDS = 3600
        key = _token_of("officer_a")
        assert _works(key)
        token = Token.objects.get(key=key)
        token.created -= datetime.timedelta(seconds=3601)  # an hour and a second later
        token.save()
        response = _client(key).get("/api/v1/areas/")
        assert response.status_code == 401 and response.json()["error"]["code"] == "token_expired"
        assert _works(_token_of("officer_a"))

    def test_each_sign_in_issues_a_fresh_token_and_the_previous_one_stops_working(self, world):
        first = _token_of("officer_a")
        second = _token_of("officer_a")
        assert first != second and _works(second) and not _works(first)


@pytest.mark.django_db
class TestTokenRevokedWhenRightsChange:
    def test_a_new_grant_ends_the_users_token(self, world):
        key = _token_of("officer_a")
        assert _works(key)
        services.grant_role(actor=world.city_admin, user=world.officer_a, role=Role.COUNTY_OFFICER,
                            area=world.district_b)
        assert not _works(key)

    def test_a_removed_grant_ends_the_users_token(self, world):
        key = _token_of("officer_a")
        services.revoke_role(actor=world.city_admin, grant=StaffGrant.objects.get(user=world.officer_a))
        assert not _works(key)

    def test_a_changed_grant_ends_the_users_token(self, world):
        key = _token_of("officer_a")
        grant = StaffGrant.objects.get(user=world.officer_a)
        grant.role = Role.TOWNSHIP_OFFICER
        grant.save()
        assert not _works(key)

    def test_a_change_of_the_users_groups_ends_the_token(self, world):
        key = _token_of("officer_a")
        world.officer_a.groups.add(Group.objects.first())
        assert not _works(key)
        key = _token_of("officer_a")
        Group.objects.first().user_set.remove(world.officer_a)  # from the group's side too
        assert not _works(key)

    def test_deactivation_ends_the_token_for_good(self, world):
        key = _token_of("officer_a")
        world.officer_a.is_active = False
        world.officer_a.save()
        world.officer_a.is_active = True
        world.officer_a.save()
        assert not _works(key)  # reactivated: the old token stays dead

    def test_a_password_change_ends_the_token(self, world, web):
        key = _token_of("officer_a")
        response = web(world.officer_a).post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "An0ther-pass!", "new_password2": "An0ther-pass!"})
        assert response.status_code == 302
        assert not _works(key)
        revoked = AuditEvent.objects.get(action="core.token.revoke")
        assert revoked.actor == world.officer_a and revoked.changes == {"cause": "password_changed"}

    def test_a_revocation_is_audited_without_the_token(self, world):
        key = _token_of("officer_a")
        services.grant_role(actor=world.city_admin, user=world.officer_a, role=Role.COUNTY_OFFICER,
                            area=world.district_b)
        event = AuditEvent.objects.get(action="core.token.revoke")
        assert event.target_label == "officer_a" and key not in str(AuditEvent.objects.values().get(pk=event.pk))

    def test_the_holder_can_revoke_their_token(self, world):
        key = _token_of("officer_a")
        assert _client(key).delete(TOKEN_URL).status_code == 204
        assert not _works(key)
        event = AuditEvent.objects.get(action="core.token.revoke")
        assert event.actor == world.officer_a

    def test_a_sign_in_stamp_or_a_name_change_leaves_the_token_alone(self, world):
        key = _token_of("officer_a")
        world.officer_a.first_name = "小明"
        world.officer_a.save()
        assert _works(key)


@pytest.mark.django_db
class TestTokenSecondFactor:
    @pytest.fixture(autouse=True)
    def _otp_on(self, settings):
        settings.PORTAL_OTP_REQUIRED = True

    def test_a_token_issued_without_a_code_stops_working_once_the_user_needs_one(self, world, settings):
        settings.PORTAL_OTP_REQUIRED = False  # issued while the second factor was not yet enforced
        key = _token_of("city_admin")
        assert _works(key)
        settings.PORTAL_OTP_REQUIRED = True
        response = _client(key).get("/api/v1/areas/")
        assert response.status_code == 401 and response.json()["error"]["code"] == "second_factor_required"

    def test_a_token_made_outside_the_token_endpoint_does_not_pass_for_a_second_factor(self, world):
        key = Token.objects.create(user=world.auditor).key
        assert not _works(key)
        assert _works(Token.objects.create(user=world.officer_b).key)  # no second factor needed

    def test_a_token_issued_with_a_code_works(self, world):
        device = TOTPDevice.objects.create(user=world.city_admin, name="phone", confirmed=True)
        assert _works(_token_of("city_admin", otp_token=_code(device)))


@pytest.mark.django_db
class TestTokenEndpointLimits:
    def test_a_changing_forwarded_for_header_does_not_dodge_the_rate_limit(self, world):
        ip = next(_addresses)
        statuses = [
            _issue("officer_a", ip=ip, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(21)
        ]
        assert statuses[:20] == [200] * 20 and statuses[20] == 429

    def test_behind_a_proxy_the_limit_counts_the_client_address_the_proxy_added(self, world, settings):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        proxy, client, neighbour = next(_addresses), next(_addresses), next(_addresses)
        statuses = [  # the client's own (forged) entries come first; the proxy appends the real one
            _issue("officer_a", ip=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {client}").status_code
            for n in range(21)
        ]
        assert statuses[:20] == [200] * 20 and statuses[20] == 429
        # Another client behind the same proxy is not limited by the first one's requests.
        assert _issue("officer_a", ip=proxy, HTTP_X_FORWARDED_FOR=neighbour).status_code == 200

    def test_a_locked_out_token_request_answers_in_the_apis_error_shape(self, world, settings):
        settings.AXES_ENABLED = True
        ip = next(_addresses)
        for _ in range(5):
            APIClient().post(TOKEN_URL, {"username": "officer_a", "password": "wrong"}, REMOTE_ADDR=ip)
        response = _issue("officer_a", ip=ip)
        assert response.status_code == 429 and response["Content-Type"].startswith("application/json")
        error = response.json()["error"]
        assert error["status"] == 429 and error["code"] == "locked_out" and error["message"]
        assert "token" not in response.json()

    def test_behind_a_proxy_the_lockout_counts_the_client_address_the_proxy_added(self, world, settings):
        settings.AXES_ENABLED = True
        settings.AXES_IPWARE_PROXY_COUNT = 1
        proxy, client, neighbour = next(_addresses), next(_addresses), next(_addresses)
        for n in range(5):  # forged entries of the client's own do not spread the failures
            APIClient().post(TOKEN_URL, {"username": "officer_a", "password": "wrong"}, REMOTE_ADDR=proxy,
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {client}")
        assert _issue("officer_a", ip=proxy, HTTP_X_FORWARDED_FOR=client).status_code == 429
        # A colleague at another address behind the same proxy is not locked out.
        assert _issue("officer_a", ip=proxy, HTTP_X_FORWARDED_FOR=neighbour).status_code == 200

    def test_the_sign_in_page_still_shows_the_lockout_page(self, world, settings, client):
        settings.AXES_ENABLED = True
        for _ in range(5):
            response = client.post(reverse("login"), {"username": "officer_a", "password": "wrong"},
                                   REMOTE_ADDR="10.1.1.77")
        assert response.status_code == 429 and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
class TestIdleSessions:
    @pytest.fixture
    def clock(self, monkeypatch):
        import core.middleware

        now = [1_800_000_000]
        monkeypatch.setattr(core.middleware, "time", types.SimpleNamespace(time=lambda: now[0]))
        return now

    def _signed_in(self, client):
        response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
        assert response.status_code == 302

    def test_a_session_idle_past_the_limit_is_sent_to_sign_in(self, world, client, settings, clock):
        settings.PORTAL_SESSION_IDLE_SECONDS = 120
        self._signed_in(client)
        assert client.get(reverse("area-list")).status_code == 200
        clock[0] += 121
        response = client.get(reverse("area-list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert "expired=1" in response["Location"]

    def test_an_active_session_is_not(self, world, client, settings, clock):
        settings.PORTAL_SESSION_IDLE_SECONDS = 120
        self._signed_in(client)
        for _ in range(6):  # twelve minutes in all, never two idle
            clock[0] += 110
            assert client.get(reverse("area-list")).status_code == 200


@pytest.mark.django_db
class TestSecurityEventsAndPasswordChange:
    def test_issuing_a_token_is_audited_without_the_token(self, world):
        key = _token_of("officer_a")
        event = AuditEvent.objects.get(action="core.token.issue")
        assert event.actor == world.officer_a and event.target_label == "officer_a"
        assert key not in str(AuditEvent.objects.values().get(pk=event.pk))

    def test_a_password_change_is_audited_without_the_password(self, world, web):
        web(world.officer_a).post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "An0ther-pass!", "new_password2": "An0ther-pass!"})
        event = AuditEvent.objects.get(action="core.user.password_change")
        assert event.actor == world.officer_a
        row = str(AuditEvent.objects.values().get(pk=event.pk))
        assert "An0ther-pass!" not in row and "md5$" not in row

    def test_enrolling_an_authenticator_is_audited_without_its_secret(self, world, client, settings):
        settings.PORTAL_OTP_REQUIRED = True
        client.post(reverse("login"), {"username": "city_admin", "password": PASSWORD})
        client.get(reverse("otp-verify"))
        device = TOTPDevice.objects.get(user=world.city_admin)
        assert client.post(reverse("otp-verify"), {"code": _code(device)}).status_code == 302
        event = AuditEvent.objects.get(action="core.totp.enrol")
        assert event.actor == world.city_admin
        row = str(AuditEvent.objects.values().get(pk=event.pk))
        assert device.key not in row and device.config_url not in row

    def test_the_password_page_is_behind_the_second_factor(self, world, client, settings):
        settings.PORTAL_OTP_REQUIRED = True
        client.post(reverse("login"), {"username": "city_admin", "password": PASSWORD})
        for method in (client.get, client.post):
            response = method(reverse("password_change"))
            assert response.status_code == 302 and reverse("otp-verify") in response["Location"]
        assert client.get(reverse("otp-verify")).status_code == 200  # the way in stays open
        officer = APIClient()
        officer.force_login(world.officer_a)  # needs no second factor: the page opens
        assert officer.get(reverse("password_change")).status_code == 200

    def test_the_password_pages_are_the_portals_own_and_in_chinese(self, world, web):
        officer = web(world.officer_a)
        page = officer.get(reverse("password_change"))
        assert "admin/base_site.html" not in [t.name for t in page.templates]
        assert "修改密码" in page.content.decode() and "Change password" not in page.content.decode()
        done = officer.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "An0ther-pass!", "new_password2": "An0ther-pass!"}, follow=True)
        assert "admin/base_site.html" not in [t.name for t in done.templates]
        assert "您的密码已修改。" in done.content.decode()
