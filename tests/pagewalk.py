"""Every page of the portal, rendered with a few records of each app: shared by the page-wide tests
(tests/test_pages_mobile.py: no sideways scrolling at 390 px; tests/test_pages_language.py: no
English on a zh-hans page).

The URLconf is walked like tests/test_routes.py does. A page is a GET route that answers HTML:
API routes, Django admin, exports, PDFs, photos, downloads and POST-only steps are not pages.
Parameters are filled with the first record of the view's model (or of the model named below for
function views); a route whose record could not be made is reported, not silently passed.
"""

import datetime
import re

from django.apps import apps
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from tests.test_routes import PUBLIC, project_routes

# Routes that are not pages (steps posted from a page, files, session plumbing; the API's
# documentation, which is for developers and in English like the API itself).
NOT_PAGES = re.compile(r"(^swagger-ui$|^schema$|-action|-pdf|-photo|-download|^reveal$|^finding-close$|^logout$|^healthz$|^set_language$|"
                       r"-decide$|correction-answer$|^volunteers:me-sign-up$|^volunteers:me-correction$|"
                       r"^volunteers:me-certificate$|^reports-run$|^reports-run-progress$)")
# Function views' parameters: (route name, parameter) -> "app.Model" (its first row's pk) or a callable.
PARAMETERS = {
    ("volunteers:import-detail", "pk"): "volunteers.ImportJob",
    ("child_care:access-log", "pk"): "child_care.Person",
    ("child_care:visit-record", "pk"): "child_care.Visit",
    ("grids:visit-create", "pk"): "grids.PatrolPlan",
    ("social_orgs:public-draw", "pk"): "social_orgs.InspectionPlan",
    ("social_orgs:public-list", "list_type"): lambda: "abnormal",
    ("area-detail", "code"): lambda: "340302001001",
    ("governance:public-list", "code"): lambda: "340302001001",
    ("governance:public-matter", "code"): lambda: "340302001001",
    ("grids:public-board", "code"): lambda: "340302001001",
}


def _first_pk(label):
    model = apps.get_model(label)
    row = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return None if row is None else str(row)


def _value(route, name):
    found = PARAMETERS.get((route.name, name))
    if callable(found):
        return found()
    if isinstance(found, str):
        return _first_pk(found)
    if route.name == "governance:public-matter" and name == "ref":
        from governance.models import Matter

        return Matter.objects.filter(area__code="340302001001").values_list("ref", flat=True).first()
    if route.name == "volunteers:certificate-verify" and name == "code":
        from volunteers.models import Certificate

        return Certificate.objects.values_list("code", flat=True).first() if any(
            f.name == "code" for f in Certificate._meta.fields) else None
    model = getattr(route.view_class, "model", None)
    if model is not None and name == "pk":
        return _first_pk(model._meta.label)
    return None


def page_urls(public=True):
    """[(route name, url or None, why not)] for every page (public ones too when ``public``)."""
    out = []
    for route in project_routes():
        if route.is_api or route.name is None or NOT_PAGES.search(route.name):
            continue
        if not public and route.name in PUBLIC:
            continue
        kwargs = {}
        for pair in route.kwarg_names:
            for name in pair:
                if name:
                    kwargs[name] = _value(route, name)
        missing = [k for k, v in kwargs.items() if v is None]
        if missing:
            out.append((route.name, None, f"no record for {missing}"))
            continue
        try:
            out.append((route.name, reverse(route.name, kwargs=kwargs), ""))
        except NoReverseMatch as exc:
            out.append((route.name, None, str(exc)))
    return out


def _attempt(made, name, fn):
    from django.db import transaction

    try:
        with transaction.atomic():  # a failed app leaves the others' records and a usable transaction
            fn()
    except Exception as exc:  # another app's factory changed: the page is then reported as not walked
        made[name] = f"{type(exc).__name__}: {exc}"[:200]
    else:
        made[name] = "ok"


def populate(world) -> dict:
    """A few records of every app in community A (and its grid), as their services make them."""
    made = {}

    def governance():
        from governance.choices import PublicationKind
        from tests.factories import governance as gov

        walker = gov.Walker(world.community_a)
        matter = gov.raise_matter(world.community_a, actor=walker.worker)
        from governance import services as gs

        gs.accept_matter(actor=walker.committee, matter=matter)
        walker.decide(matter)
        walker.publish(gov.refresh(matter), PublicationKind.RESOLUTION)
        gov.raise_matter(world.community_a, actor=walker.worker)

    def volunteers():
        from tests.factories import volunteers as vf
        from volunteers import services as vs

        manager = vf.manager_user(world.community_a)
        team = vf.team(world.community_a, manager=manager)
        vol = vf.volunteer(world.community_a, user=vf.volunteer_user())
        vs.join_team(actor=None, team=team, volunteer=vol)
        shift = vf.past_shift(team)
        vf.served(shift, vol)
        vs.record_hours(actor=None, volunteer=vol, team=team, hours=2,
                        service_date=datetime.date.today() - datetime.timedelta(days=1))
        from tests.factories import id_number
        from volunteers.applications import submit_application

        submit_application(name="陈晓燕", id_number=id_number("340302", datetime.date(1990, 1, 2)), phone="13955501234",
                           area=world.community_a, service_fields="助老助残", data_consent=True)

    def grids():
        from tests.factories import grids as gf

        gf.grid(world.community_a)
        gf.incident(world.grid_a)
        gf.plan(world.grid_a)
        gf.worker(world.community_a)

    def social_orgs():
        from tests.factories import social_orgs as sf

        sf.organisation(world.district_a)

    def child_care():
        from tests.factories import child_care as cf

        cf.left_behind_child(world.community_a)

    for name, fn in [("governance", governance), ("volunteers", volunteers), ("grids", grids),
                     ("social_orgs", social_orgs), ("child_care", child_care)]:
        _attempt(made, name, fn)
    return made


def superuser():
    """Who sees every page: a superuser with a real-name profile in community A."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("pages_admin", "pages@example.org", "Str0ng-pass!")
    return user
