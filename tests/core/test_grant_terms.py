"""An appointment with a term lapses by itself: before it starts and after it ends, the area is not there."""

import datetime

import pytest
from django.urls import reverse

from core import scope as scope_module
from core import services
from core.choices import Role
from core.models import AuditEvent
from tests.factories import UserFactory, grant


def _today():
    return scope_module.local_today()


@pytest.fixture
def deputy(world):
    """A community worker in B's community for good, with a second appointment in A's community."""
    user = UserFactory(username="deputy")
    grant(user, Role.COMMUNITY_WORKER, world.community_b)
    return user


def _appoint(world, user, **term):
    return services.grant_role_for_term(actor=world.city_admin, user=user, role=Role.COMMUNITY_WORKER,
                                        area=world.community_a, **term)


def test_an_appointment_in_force_opens_its_community(world, web, deputy):
    _appoint(world, deputy, starts_on=_today() - datetime.timedelta(days=30), ends_on=_today())
    assert web(deputy).get(reverse("area-detail", args=[world.community_a.code])).status_code == 200


def test_an_appointment_that_ended_yesterday_gives_404(world, web, deputy):
    _appoint(world, deputy, starts_on=_today() - datetime.timedelta(days=30),
             ends_on=_today() - datetime.timedelta(days=1))
    assert web(deputy).get(reverse("area-detail", args=[world.community_a.code])).status_code == 404
    assert web(deputy).get(reverse("area-detail", args=[world.community_b.code])).status_code == 200


def test_an_appointment_starting_tomorrow_gives_404_today(world, web, deputy, api):
    _appoint(world, deputy, starts_on=_today() + datetime.timedelta(days=1))
    assert web(deputy).get(reverse("area-detail", args=[world.community_a.code])).status_code == 404
    assert api(deputy).get(f"/api/v1/areas/{world.community_a.code}/").status_code == 404


def test_an_appointment_lapses_at_midnight_without_any_save(world, web, deputy, monkeypatch):
    last_day = _today()
    _appoint(world, deputy, ends_on=last_day)
    url = reverse("area-detail", args=[world.community_a.code])
    assert web(deputy).get(url).status_code == 200  # the scope is now kept in this process
    monkeypatch.setattr(scope_module, "local_today", lambda: last_day + datetime.timedelta(days=1))
    assert web(deputy).get(url).status_code == 404


def test_an_appointment_begins_at_midnight_without_any_save(world, web, deputy, monkeypatch):
    first_day = _today() + datetime.timedelta(days=1)
    _appoint(world, deputy, starts_on=first_day)
    url = reverse("area-detail", args=[world.community_a.code])
    assert web(deputy).get(url).status_code == 404
    monkeypatch.setattr(scope_module, "local_today", lambda: first_day)
    assert web(deputy).get(url).status_code == 200


def test_a_term_is_audited_and_cannot_end_before_it_starts(world, deputy):
    from django.core.exceptions import ValidationError

    g = _appoint(world, deputy, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31))
    event = AuditEvent.objects.get(action="core.grant.term", target_id=str(g.pk))
    assert event.changes["ends_on"] == [None, "2020-12-31"]
    with pytest.raises(ValidationError):
        services.set_grant_term(actor=world.city_admin, grant=g, starts_on=datetime.date(2021, 1, 1),
                                ends_on=datetime.date(2020, 1, 1))


def test_a_district_officer_cannot_set_a_term_on_a_grant_outside_the_district(world, deputy):
    from core.exceptions import OutOfScope

    g = grant(deputy, Role.COMMUNITY_WORKER, world.community_a)
    with pytest.raises(OutOfScope):
        services.set_grant_term(actor=world.officer_b, grant=g, ends_on=datetime.date(2020, 1, 1))
