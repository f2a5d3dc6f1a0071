"""The public certificate check: a visitor may paste the QR code's own link, type the number in
any case and with spaces, and no input at all makes it fail; guessing is limited per address."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation

from tests.factories import volunteers as vf
from volunteers import services

LOOKUP = "/public/volunteers/certificates/"


@pytest.fixture
def cert(world):
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    vol = vf.volunteer(world.community_a, user=vf.volunteer_user(), name="王小明")
    shift = vf.served(vf.past_shift(team), vol)
    services.approve_record(actor=manager, record=services.record_hours(
        actor=vf.recorder(team), volunteer=vol, team=team, shift=shift, hours=3))
    return services.issue_certificate(actor=vol.user, volunteer=vol, team=team)


@pytest.fixture(autouse=True)
def _fresh_budget(settings):
    """Each test starts with a full budget of lookups (the budget is per address and minute)."""
    settings.PORTAL_CERTIFICATE_CHECKS_PER_MINUTE = 1000
    cache.clear()
    yield
    cache.clear()


def check(code, client=None):
    return (client or Client()).get(LOOKUP, {"code": code})


def shows(response, cert):
    return response.status_code == 200 and cert.number in response.content.decode() and \
        "王*明" in response.content.decode()


def test_the_number_as_printed_shows_the_certificate(cert):
    assert shows(check(cert.number), cert)


@pytest.mark.parametrize("typed", [
    lambda n: n.lower(),
    lambda n: f"  {n[:4]} {n[4:8]} {n[8:14]} {n[14:]} ",
    lambda n: n.lower().replace("zyzm", "ZyZm"),
    lambda n: "\u3000" + n + "\u3000",  # full-width spaces of a Chinese input method
    lambda n: "".join(chr(ord(c) + 0xFEE0) for c in n),  # full-width letters and digits
], ids=["lower-case", "spaced", "mixed-case", "full-width-spaces", "full-width-characters"])
def test_the_number_in_any_case_and_spacing_shows_the_certificate(cert, typed):
    assert shows(check(typed(cert.number)), cert)


@pytest.mark.parametrize("pasted", [
    "https://portal.example.cn/public/volunteers/certificates/{code}/",
    "http://portal.example.cn/public/volunteers/certificates/{code}/?from=qr#top",
    "/public/volunteers/certificates/{code}",
    "portal.example.cn/public/volunteers/certificates/{code}/",
], ids=["qr-link", "link-with-query", "path-only", "no-scheme"])
def test_the_qr_codes_own_link_pasted_into_the_box_shows_the_certificate(cert, pasted):
    assert shows(check(pasted.format(code=cert.verify_code)), cert)


def test_the_qr_link_itself_shows_the_certificate(cert):
    assert shows(Client().get(cert.get_verify_url()), cert)


HOSTILE = ["/", "../", "../../etc/passwd", "a/b", "//", "x" * 10_000, "\x00", "ZYZM\x00", "😀", "证书😀/",
           "' OR 1=1 --", "'; DROP TABLE volunteers_certificate; --", "%00", "%2F", "?code=1", "#",
           "https://evil.example/?q=1&code=2", "https://portal.example.cn/public/volunteers/certificates/",
           "https://portal.example.cn/public/volunteers/certificates/\x00/", "\\", "<script>alert(1)</script>",
           "https://[::1", "http://%zz", "ZYZM" + "0" * 600]


@pytest.mark.parametrize("code", HOSTILE, ids=range(len(HOSTILE)))
def test_any_input_is_answered_not_found_never_an_error(cert, code):
    response = check(code)
    assert response.status_code == 404
    assert "王*明" not in response.content.decode()


@pytest.mark.parametrize("code", ["x" * 5000, "%00", "😀", "' OR 1=1 --", "..", "a%2Fb"])
def test_any_path_after_the_check_page_is_not_found_never_an_error(cert, code):
    response = Client().get(f"{LOOKUP}{code}/")
    assert response.status_code == 404


def test_a_nul_in_the_link_is_not_found_never_an_error(cert):
    assert Client().get(LOOKUP + "%00/").status_code == 404


@pytest.mark.parametrize("query", [{}, {"code": ""}, {"code": " "}, {"code": "\u3000"}], ids=range(4))
def test_an_empty_box_is_the_form_itself(world, query):
    response = Client().get(LOOKUP, query)
    assert response.status_code == 200 and 'id="lookup-form"' in response.content.decode()


def test_beyond_the_budget_an_address_gets_a_polite_chinese_429(cert, settings):
    settings.PORTAL_CERTIFICATE_CHECKS_PER_MINUTE = 3
    guesser, neighbour = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.2")
    assert [check(f"ZYZM{i}", guesser).status_code for i in range(3)] == [404, 404, 404]
    with translation.override("zh-hans"):
        refused = guesser.get(LOOKUP, {"code": cert.number}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "查询过于频繁" in refused.content.decode() and "certificate-facts" not in refused.content.decode()
    assert guesser.get(cert.get_verify_url()).status_code == 429  # the QR route shares the budget
    assert shows(check(cert.number, neighbour), cert)  # another address still has its own


def test_the_check_stays_up_when_the_cache_is_down(cert, settings, caplog):
    settings.PORTAL_CERTIFICATE_CHECKS_PER_MINUTE = 1
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=unreachable), caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        assert shows(check(cert.number), cert)
        assert shows(check(cert.number), cert)
    assert "rate limit" in caplog.text and "cache is unavailable" in caplog.text
