"""factory_boy factories shared by every app's tests."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from core import services
from core.choices import AreaKind, AreaLevel
from core.models import Area, AreaPopulation
from core.personal import make_id_number

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Str0ng-pass!")


class AreaFactory(factory.django.DjangoModelFactory):
    """Areas are plain rows in tests; use ``area_tree`` for a consistent hierarchy."""

    class Meta:
        model = Area
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Area {n}")
    level = AreaLevel.COMMUNITY
    kind = AreaKind.URBAN


def make_area(code: str, level: str, parent=None, name: str = "", kind: str = "") -> Area:
    if not kind and level in (AreaLevel.COMMUNITY, AreaLevel.GRID):
        kind = AreaKind.URBAN
    return AreaFactory(code=code, level=level, parent=parent, name=name or f"{level} {code}", kind=kind)


def grant(user, role: str, area: Area):
    return services.grant_role(actor=None, user=user, role=role, area=area)


def staff(username: str, role: str, area: Area):
    user = UserFactory(username=username)
    grant(user, role, area)
    return user


def population(area: Area, year: int = 2020, resident: int = 1000, registered: int = 1100):
    return AreaPopulation.objects.create(area=area, year=year, resident=resident, registered=registered)


def id_number(region: str = "340302", born: datetime.date = datetime.date(1980, 5, 17), seq: int | None = None):
    """A valid resident ID number, unique per call unless ``seq`` is given."""
    return make_id_number(region, born, next(_seq) if seq is None else seq)
