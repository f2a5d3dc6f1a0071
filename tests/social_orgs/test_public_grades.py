"""The public grades page (/public/social_orgs/grades/): anyone sees the grades valid today, each registered
organisation's latest (a re-evaluation replaces the grade before it), in Chinese; a lapsed grade, a revoked
organisation's and personal data never."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from social_orgs import services
from social_orgs.choices import Grade
from social_orgs.models import Evaluation
from tests.factories.social_orgs import organisation

pytestmark = pytest.mark.django_db
URL = reverse("social_orgs:public-grades")


@pytest.fixture
def graded(world):
    today = timezone.localdate()
    good = organisation(world.district_a, name="蚌埠市五星协会")
    Evaluation.objects.create(organisation=good, grade=Grade.A3, evaluated_on=today - datetime.timedelta(days=800))
    Evaluation.objects.create(organisation=good, grade=Grade.A5, evaluated_on=today - datetime.timedelta(days=30))
    lapsed = organisation(world.district_a, name="蚌埠市过期协会")
    Evaluation.objects.create(organisation=lapsed, grade=Grade.A4, evaluated_on=today - datetime.timedelta(days=6 * 366))
    revoked = organisation(world.district_b, name="蚌埠市撤销协会")
    Evaluation.objects.create(organisation=revoked, grade=Grade.A4, evaluated_on=today - datetime.timedelta(days=30))
    services.revoke(actor=None, org=revoked, on=today, reason="连续一年未开展活动", ground="zombie")
    return good


def test_anyone_sees_the_latest_valid_grade_of_registered_organisations(graded, web, settings):
    page = web().get(URL).content.decode()
    assert "蚌埠市五星协会" in page and page.count("蚌埠市五星协会") == 1 and "5A" in page
    assert "蚌埠市过期协会" not in page and "蚌埠市撤销协会" not in page
    assert "张三" not in page  # the legal representative is not published
    assert "社会组织评估等级" in page and "Grades of social organisations" not in page


def test_one_grade_at_a_time_and_nonsense_is_not_found(graded, web):
    assert "蚌埠市五星协会" in web().get(URL, {"grade": "5"}).content.decode()
    assert "蚌埠市五星协会" not in web().get(URL, {"grade": "3"}).content.decode()
    for bad in ("9", "x", "../"):
        assert web().get(URL, {"grade": bad}).status_code == 404


def test_the_public_index_links_to_it(web):
    assert URL in web().get(reverse("social_orgs:public-index")).content.decode()
