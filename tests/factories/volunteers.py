"""Factories of the volunteers app: volunteers, teams with a manager, activities, past shifts."""

import datetime
import itertools

from django.utils import timezone

from core.choices import Role
from tests.factories import UserFactory, grant, id_number
from volunteers import services
from volunteers.choices import MemberRole
from volunteers.models import Shift, SignUp

_n = itertools.count(1)


def volunteer(area, *, born=datetime.date(1990, 3, 4), user=None, name=None, **kwargs):
    return services.register_volunteer(actor=None, name=name or f"志愿者{next(_n)}",
                                       id_number=id_number(area.code[:6], born), area=area, user=user,
                                       phone=kwargs.pop("phone", "13800138000"), **kwargs)


def team(area, *, name=None, manager=None, **kwargs):
    t = services.create_team(actor=None, name=name or f"志愿服务队{next(_n)}", area=area, **kwargs)
    if manager is not None:
        services.add_team_staff(actor=None, team=t, user=manager, role=MemberRole.MANAGER)
    return t


def manager_user(area, username=None):
    """A volunteer-service officer of ``area`` (a staff account) who will manage a team."""
    user = UserFactory(username=username or f"manager{next(_n)}")
    grant(user, Role.VOLUNTEER_OFFICER, area)
    return user


def volunteer_user(username=None):
    return UserFactory(username=username or f"vol{next(_n)}")


def past_shift(team_obj, *, hours=3, days_ago=1, quota=10, activity=None):
    """A shift that has already happened (created in the future, then moved back: sign-ups need a future shift)."""
    activity = activity or services.create_activity(actor=None, team=team_obj, title=f"社区助老活动{next(_n)}")
    start = timezone.now() + datetime.timedelta(days=1)
    shift = services.create_shift(actor=None, activity=activity, place="社区服务中心", starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=hours), quota=quota)
    return shift


def move_to_past(shift, days_ago=1):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    Shift.objects.filter(pk=shift.pk).update(starts_at=start, ends_at=start + (shift.ends_at - shift.starts_at))
    shift.refresh_from_db()
    return shift


def served(shift, vol):
    """``vol`` signed up and served on ``shift`` (which is then moved into the past)."""
    signup = services.sign_up(actor=None, shift=shift, volunteer=vol)
    move_to_past(shift)
    SignUp.objects.filter(pk=signup.pk).update(status="checked_out", checked_in_at=shift.starts_at,
                                               checked_out_at=shift.ends_at)
    return shift


def recorder(team_obj):
    """The team's recorder (made once per team): hours are recorded by one person and approved by another."""
    from volunteers.models import TeamMembership

    found = TeamMembership.objects.filter(team=team_obj, role=MemberRole.RECORDER).select_related("user").first()
    if found is not None:
        return found.user
    user = manager_user(team_obj.area, username=f"recorder{next(_n)}")
    services.add_team_staff(actor=None, team=team_obj, user=user, role=MemberRole.RECORDER)
    return user
