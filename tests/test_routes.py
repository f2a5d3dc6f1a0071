"""Every route is scoped by construction or by a persona test — checked here, not by each author.

The URLconf is walked (pages, HTMX partials, exports, PDFs, imports, every DRF router route), and a
route that is not public must be either

* served by a view that inherits core's scoped bases (``core.generic.ScopedMixin`` for pages,
  ``core.api.viewsets.ScopedViewSetMixin`` for the API: their querysets go through ``restrict``), or
* named by a persona test class composed from ``tests/scoped.py`` (``API.*``, ``Pages.*`` or a class
  with ``covers_routes``): the other district's officer gets 404 and nothing is written, in scope works;
* or, for the few that hold no area's records, listed below with the reason.

Every non-public route is also requested here as an anonymous visitor (sign-in redirect or 401) and
as a signed-in user with no role (never a 200 with data). Every Django admin page must be a
``core.admin.ScopedModelAdmin`` or be listed as city-wide with its reason.
"""

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.exceptions import NoReverseMatch

import tests.scoped as scoped
from core.api.viewsets import ScopedViewSetMixin
from core.generic import ScopedMixin

# Routes anyone may open, with why.
PUBLIC = {
    "set_language": "switches the interface language",
    "api:api-token": "exchanges a password (and one-time code) for a token; rate-limited",
    "api:api-root": "lists the API's endpoints, no records",
    "schema": "the OpenAPI schema, no records",
    "swagger-ui": "the API documentation page, no records",
    "governance:public-index": "names of communities and their count of published matters",
    "governance:public-list": "published consultation results (公开), no personal data",
    "governance:public-matter": "a published case file, no personal data",
    "volunteers:certificate-lookup": "public certificate check, masked name",
    "grids:public-board": "published grid contact boards (滨州条例 Art. 6): service phones, no personal data",
    "volunteers:certificate-verify": "public certificate check, masked name",
    "volunteers:self-register": "a resident registers as a volunteer; stores for review, tells nothing; rate-limited",
    "social_orgs:public-index": "published counts of the registry and credit lists (公开)",
    "social_orgs:public-list": "the published credit lists: name, code, ground, dates; no personal data",
    "social_orgs:public-directory": "the published purchase directory: names, codes, grades",
    "social_orgs:public-grades": "the published grades 1A-5A while valid: names, codes, dates; no personal data",
    "social_orgs:public-draw": "a published random-inspection draw (pools, seed, selection) anyone may replay",
    "login": "sign-in",
    "logout": "sign-out",
    "healthz": "health check for the load balancer, no records",
    None: "robots.txt",
}
# Routes that need a signed-in user but hold no area's records, with why (and where that is tested).
SIGNED_IN_ONLY = {
    "home": "the workbench: counts of the user's own inbox through restrict (tests/core)",
    "otp-verify": "the user's own second factor",
    "password_change": "the user's own password",
    "password_change_done": "the user's own password",
    "my-exports": "the user's own protected exports only (tests/core/test_protected_exports.py)",
    "export-download": "the user's own protected export only, 404 for anyone else (tests/core/test_protected_exports.py)",
    "volunteers:me": "the volunteer's own record, found by the signed-in user only",
    "volunteers:me-checkin": "the volunteer's own sign-ups",
    "volunteers:me-sign-up": "the volunteer's own sign-up (open shifts)",
    "volunteers:me-correction": "the volunteer's own hour records only",
    "volunteers:me-certificate": "the volunteer's own certificate only",
    "volunteers:me-checkin-code": "the volunteer's own check-in page for a code (the shift's QR code); writes nothing",
    "api:reports-indicator-list": "indicator definitions, no values",
    "api:reports-indicator-detail": "an indicator definition, no values",
    "reports-run": "starting a city-wide aggregation: city-level permission (tests/reports/test_dashboard.py)",
    "api:governance-category-list": "city-wide reference data (tests/governance/test_reference_api.py)",
    "api:governance-category-detail": "city-wide reference data",
    "api:governance-quorumrule-list": "city-wide reference data (tests/governance/test_reference_api.py)",
    "api:governance-quorumrule-detail": "city-wide reference data",
    "api:grids-serviceitem-list": "city-wide reference data, read-only (tests/grids/test_reference_api.py)",
    "api:grids-serviceitem-detail": "city-wide reference data, read-only",
    "api:grids-workitem-list": "city-wide reference data, read-only (tests/grids/test_reference_api.py)",
    "api:grids-workitem-detail": "city-wide reference data, read-only",
    "api:grids-certificatetype-list": "city-wide reference data, read-only (tests/grids/test_reference_api.py)",
    "api:grids-certificatetype-detail": "city-wide reference data, read-only",
}
# Admin pages of city-wide or system records that are not area-bound, with why.
ADMIN_CITY_WIDE = {
    "auth.Group": "roles are code (core/roles.py, sync_roles); superusers only",
    "auth.User": "accounts; granting is the scoped StaffGrant admin",
    "authtoken.TokenProxy": "superusers only",
    "django_celery_beat.PeriodicTask": "the schedule; superusers only",
    "django_celery_beat.ClockedSchedule": "the schedule; superusers only",
    "django_celery_beat.CrontabSchedule": "the schedule; superusers only",
    "django_celery_beat.SolarSchedule": "the schedule; superusers only",
    "django_celery_beat.IntervalSchedule": "the schedule; superusers only",
    "otp_totp.TOTPDevice": "second-factor devices; superusers only",
    "otp_static.StaticDevice": "second-factor devices; superusers only",
    "axes.AccessAttempt": "sign-in lockouts; superusers only",
    "axes.AccessLog": "sign-in log; superusers only",
    "axes.AccessFailureLog": "sign-in log; superusers only",
    "governance.Category": "city-wide categories of matters (reference data)",
    "governance.QuorumRule": "city-wide quorum rules (reference data)",
    "volunteers.StarLevel": "the national star levels (reference data)",
    "social_orgs.CreditRule": "credit-list rule values with their legal source (reference data)",
    "social_orgs.UsccAllowance": "the city-wide allow-list of legal legacy codes (reference data)",
}
SCOPED_BASES = (ScopedMixin, ScopedViewSetMixin)


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    callback: object
    default_kwargs: tuple = ()

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def is_api(self):
        return self.pattern.startswith("api/v1/")

    @property
    def kwarg_names(self):
        return re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.pattern)


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = namespace + (p.namespace + ":" if p.namespace else "")
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield Route(prefix + str(p.pattern), (namespace + p.name) if p.name else None, p.callback)


def project_routes(urlconf=None):
    """The portal's routes, less Django admin (checked through its registry) and DRF's format-suffix
    twins (the same views)."""
    return [r for r in walk(get_resolver(urlconf).url_patterns)
            if not r.pattern.startswith("admin/") and "<format>" not in r.pattern and "(?P<format>" not in r.pattern]


def persona_covered_route_names() -> set[str]:
    """Route names that a persona test class covers (every test module is imported to find them)."""
    root = Path(__file__).resolve().parent
    modules = [importlib.import_module(".".join(m.relative_to(root.parent).with_suffix("").parts))
               for m in sorted(root.rglob("test_*.py"))]
    names = set()

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(scoped._API):
        if cls.basename:
            names |= {f"api:{cls.basename}-list", f"api:{cls.basename}-detail"}
        if getattr(cls, "transition", ""):
            names.add(f"api:{cls.basename}-{cls.transition}")
    for cls in subclasses(scoped._Page):
        names |= {n for n in (cls.list_url_name, getattr(cls, "detail_url_name", ""),
                              getattr(cls, "action_url_name", "")) if n}
    for module in modules:
        for obj in vars(module).values():
            if isinstance(obj, type) and isinstance(getattr(obj, "covers_routes", None), list):
                names |= set(obj.covers_routes)
    return names


def uncovered(routes, tested) -> list[str]:
    """What the meta-test reports: each non-public route that nothing proves scoped."""
    problems = []
    for route in routes:
        if route.name in PUBLIC or route.name in SIGNED_IN_ONLY or route.name in tested:
            continue
        cls = route.view_class
        if cls is not None and issubclass(cls, SCOPED_BASES):
            continue
        problems.append(
            f"/{route.pattern} (name {route.name!r}, view {getattr(route.callback, '__qualname__', route.callback)}) "
            f"is not scoped by construction and no persona test covers it: serve it from core's scoped bases "
            f"(ScopedListView/ScopedDetailView/ScopedViewSetMixin…), or add a test class composed from "
            f"tests/scoped.py (API.*/Pages.Action…) that names it, or list it in PUBLIC/SIGNED_IN_ONLY "
            f"in tests/test_routes.py with the reason."
        )
    return problems


GUESSES = {"code": "340302001001", "model": "staffprofile", "field": "id_number", "action": "support",
           "what": "approve", "ref": "1", "token": "00000000-0000-0000-0000-000000000000"}


def probe_url(route):
    kwargs = {name: GUESSES.get(name, "999999") for pair in route.kwarg_names for name in pair if name}
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _request(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def non_public_routes():
    return [r for r in project_routes() if r.name not in PUBLIC]


@pytest.mark.django_db
def test_every_route_is_scoped_by_construction_or_by_a_persona_test():
    problems = uncovered(project_routes(), persona_covered_route_names())
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("route", non_public_routes(), ids=lambda r: r.name or r.pattern)
def test_an_anonymous_visitor_is_sent_to_sign_in(route, client):
    url = probe_url(route)
    assert url is not None, f"cannot build a URL for {route.name}: add its parameter to GUESSES"
    response = _request(client, url)
    if route.is_api:
        assert response.status_code == 401, (url, response.status_code)
    else:
        assert response.status_code == 302 and reverse("login") in response["Location"], (url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in non_public_routes() if r.name not in SIGNED_IN_ONLY],
                         ids=lambda r: r.name or r.pattern)
def test_a_user_without_a_role_gets_nothing(route, world, web, api):
    url = probe_url(route)
    client = api(world.outsider) if route.is_api else web(world.outsider)
    response = _request(client, url)
    assert response.status_code in (403, 404, 405), (url, response.status_code)


def test_every_admin_page_is_scoped_or_city_wide_for_a_reason():
    from core.admin import ScopedModelAdmin

    loose = [model._meta.label for model, model_admin in admin.site._registry.items()
             if not isinstance(model_admin, ScopedModelAdmin) and model._meta.label not in ADMIN_CITY_WIDE]
    assert not loose, (f"admin pages not restricted by area: {loose}; derive them from core.admin.ScopedModelAdmin "
                       f"or list them in ADMIN_CITY_WIDE with the reason")


# --- the meta-test bites ------------------------------------------------------------------------------
def _leaky_page(request):
    from django.http import HttpResponse

    from core.models import Area

    return HttpResponse(", ".join(Area.objects.values_list("name", flat=True)))


def _leaky_api():
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from core.models import Area

    class EveryArea(APIView):
        def get(self, request):
            return Response(list(Area.objects.values_list("code", flat=True)))

    return EveryArea.as_view()


def test_a_new_unscoped_view_is_reported():
    routes = project_routes() + list(walk([
        path("leaks/areas/", _leaky_page, name="leaky-page"),
        path("api/v1/leaks/areas/", _leaky_api(), name="leaky-api"),
    ]))
    problems = uncovered(routes, persona_covered_route_names())
    assert any("'leaky-page'" in p for p in problems), problems
    assert any("'leaky-api'" in p for p in problems), problems
    assert len(problems) == 2, problems  # and nothing else


def test_on_the_full_stack_a_skip_for_a_missing_service_fails():
    from types import SimpleNamespace

    from tests.conftest import fail_skips_for_missing_services

    def skipped(reason):
        return SimpleNamespace(skipped=True, outcome="skipped", longrepr=("tests/x.py", 1, f"Skipped: {reason}"))

    for reason in ("needs Redis (make test starts one)", "no Chromium at /usr/bin/chromium",
                   "the trigger exists on PostgreSQL only"):
        report = skipped(reason)
        fail_skips_for_missing_services(report, full_stack=True)
        assert report.outcome == "failed", reason
        report = skipped(reason)
        fail_skips_for_missing_services(report, full_stack=False)
        assert report.outcome == "skipped"
    other = skipped("not applicable on Tuesdays")
    fail_skips_for_missing_services(other, full_stack=True)
    assert other.outcome == "skipped"
