"""Registry rules: real-name ID check, age and guardian consent, one person once, scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import OutOfScope
from core.models import AuditEvent
from tests.factories import id_number
from tests.factories import volunteers as vf
from volunteers import services
from volunteers.choices import VolunteerStatus
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def register(world, actor=None, **kwargs):
    data = {"name": "张三", "id_number": id_number("340302", datetime.date(1985, 1, 2)), "area": world.community_a,
            "phone": "13912345678"}
    data.update(kwargs)
    return services.register_volunteer(actor=actor, **data)


def test_registration_derives_birth_date_and_sex_and_stores_the_id_masked(world):
    number = id_number("340302", datetime.date(1985, 1, 2))
    v = register(world, actor=world.officer_a, id_number=number)
    v.refresh_from_db()
    assert v.birth_date == datetime.date(1985, 1, 2)
    assert v.sex in ("male", "female")
    assert str(v.id_number) == number[:6] + "********" + number[-4:]
    raw = Volunteer.objects.filter(pk=v.pk).values_list("id_number", flat=True)
    assert AuditEvent.objects.filter(action="volunteers.volunteer.register", target_id=str(v.pk),
                                     actor=world.officer_a).exists()
    assert number not in str(list(raw))


def test_a_wrong_id_check_digit_is_refused(world):
    number = id_number("340302", datetime.date(1990, 6, 1))
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        register(world, id_number=wrong)
    assert "check digit" in str(exc.value)
    assert not Volunteer.objects.exists()


def test_an_under_14_cannot_register(world):
    today = datetime.date.today()
    child = id_number("340302", today.replace(year=today.year - 12))
    with pytest.raises(ValidationError) as exc:
        register(world, id_number=child, guardian_name="家长", guardian_consent_on=today)
    assert "under 14" in str(exc.value)


def test_a_15_year_old_needs_a_recorded_guardian_consent(world):
    today = datetime.date.today()
    teen = id_number("340302", today.replace(year=today.year - 15) - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        register(world, id_number=teen)
    assert "guardian" in str(exc.value)
    v = register(world, id_number=teen, guardian_name="李四", guardian_consent_on=today)
    assert v.guardian_name == "李四"


def test_the_same_person_cannot_register_twice(world):
    number = id_number("340302", datetime.date(1990, 6, 1))
    register(world, id_number=number)
    with pytest.raises(ValidationError) as exc:
        register(world, id_number=number.lower() if number[-1] == "X" else number, name="另一个名字")
    assert "already registered" in str(exc.value)
    assert Volunteer.objects.count() == 1


def test_home_area_must_be_a_community(world):
    with pytest.raises(ValidationError):
        register(world, area=world.street_a)


def test_an_officer_cannot_register_a_volunteer_in_another_district(world):
    with pytest.raises(OutOfScope):
        register(world, actor=world.officer_b)


def test_cancelling_keeps_the_volunteer_and_leaves_an_audit_row(world):
    v = vf.volunteer(world.community_a)
    services.cancel_volunteer(actor=world.officer_a, volunteer=v)
    v.refresh_from_db()
    assert v.status == VolunteerStatus.CANCELLED
    assert AuditEvent.objects.filter(action="volunteers.volunteer.update", target_id=str(v.pk)).exists()


def test_open_team_admits_at_once_approval_team_waits_invitation_team_refuses(world):
    v = vf.volunteer(world.community_a)
    open_team = vf.team(world.community_a, join_mode="open")
    approval_team = vf.team(world.community_a, join_mode="approval")
    invitation_team = vf.team(world.community_a, join_mode="invitation")
    assert services.join_team(actor=None, team=open_team, volunteer=v).status == "approved"
    assert services.join_team(actor=None, team=approval_team, volunteer=v).status == "pending"
    from core.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused):
        services.join_team(actor=None, team=invitation_team, volunteer=v)
    assert services.join_team(actor=None, team=invitation_team, volunteer=v, invited=True).status == "approved"


def test_a_full_shift_waitlists_and_a_cancellation_promotes_the_first_waiting(world):
    t = vf.team(world.community_a)
    shift = vf.past_shift(t, quota=1)
    a, b = vf.volunteer(world.community_a), vf.volunteer(world.community_a)
    first = services.sign_up(actor=None, shift=shift, volunteer=a)
    second = services.sign_up(actor=None, shift=shift, volunteer=b)
    assert (first.status, second.status) == ("signed_up", "waitlisted")
    services.cancel_sign_up(actor=None, signup=first)
    second.refresh_from_db()
    assert second.status == "signed_up"
