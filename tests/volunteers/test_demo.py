import pytest

from core import demo as core_demo
from volunteers import demo, ledger
from volunteers.models import ServiceHourRecord, SocialWorker, TrainingAttendance, Volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_at_a_small_scale_lands_on_the_source_ratios_and_intact_chains():
    core_demo.load(scale=0.002)
    demo.load(scale=0.002)
    assert Volunteer.objects.count() == round(860_000 * 0.002)
    assert Volunteer.objects.filter(approved_hours__gt=0).count() == round(438_600 * 0.002)
    assert SocialWorker.objects.count() == round(11_758 * 0.002)
    assert TrainingAttendance.objects.values("volunteer").distinct().count() == round(1_520 * 0.002)
    assert ServiceHourRecord.objects.filter(status="submitted").count() == 0
    assert ledger.verify_all_chains() == []
    assert Volunteer.objects.filter(star_level__gte=1).exists()
