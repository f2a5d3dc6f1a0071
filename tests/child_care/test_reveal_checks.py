"""Kept reveals of children's personal data are supervised: one about to lapse, and one that lapsed without
renewal, is a finding in the village's inbox (never the plaintext); a renewal closes it; the record page's
15-minute reveal is not supervised."""

import datetime

import pytest
from django.utils import timezone

from core import services as core_services
from core import supervision
from core.models import Finding, RevealGrant
from tests.factories.child_care import named_child

pytestmark = pytest.mark.django_db
RULES = ["child_care.reveal_expiring", "child_care.reveal_lapsed"]


def _reveal(user, kid, keep):
    core_services.reveal_personal_data_for(actor=user, instance=kid, field="id_number", reason="办理救助手续需核对身份",
                                           keep_for=keep)
    return RevealGrant.objects.filter(user=user).latest("pk")


def _open(user, rule):
    return Finding.objects.inbox(user).filter(rule=rule, status="open")


def test_a_kept_reveal_about_to_lapse_then_lapsed_is_in_the_village_inbox_until_renewed(world, cc):
    kid = named_child(world.community_a, "韩小月", datetime.date(2013, 3, 3))
    grant = _reveal(cc.director_a, kid, datetime.timedelta(days=30))
    today = timezone.localdate()
    supervision.run_all(today=today, only=RULES)
    assert not _open(cc.director_a, "child_care.reveal_expiring").exists()  # 30 days ahead: not yet

    # Five days before it lapses.
    RevealGrant.objects.filter(pk=grant.pk).update(granted_at=timezone.now() - datetime.timedelta(days=25),
                                                   expires_at=timezone.now() + datetime.timedelta(days=5))
    supervision.run_all(today=today, only=RULES)
    expiring = _open(cc.director_a, "child_care.reveal_expiring").get()
    plain = str(kid.id_number.reveal_unchecked())
    assert expiring.area == world.community_a and "韩小月" not in expiring.title and plain not in expiring.title
    assert not _open(cc.director_b, "child_care.reveal_expiring").exists()

    # Lapsed yesterday, not renewed: the expiring finding closes, the lapsed one opens.
    RevealGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    supervision.run_all(today=today, only=RULES)
    assert not _open(cc.director_a, "child_care.reveal_expiring").exists()
    lapsed = _open(cc.director_a, "child_care.reveal_lapsed").get()
    assert "director_a" in lapsed.title and plain not in lapsed.detail

    # Renewed with a fresh reason: nothing left to say.
    _reveal(cc.director_a, kid, datetime.timedelta(days=30))
    supervision.run_all(today=today, only=RULES)
    assert not _open(cc.director_a, "child_care.reveal_lapsed").exists()
    assert not _open(cc.director_a, "child_care.reveal_expiring").exists()


def test_the_record_page_s_fifteen_minute_reveal_is_not_supervised(world, cc):
    from child_care import services

    kid = named_child(world.community_a, "韩小星", datetime.date(2013, 3, 3))
    services.reveal(actor=cc.director_a, person=kid, field="id_number", reason="核对户籍信息")
    assert RevealGrant.objects.filter(user=cc.director_a).exists()
    RevealGrant.objects.filter(user=cc.director_a).update(expires_at=timezone.now() - datetime.timedelta(minutes=1),
                                                          granted_at=timezone.now() - datetime.timedelta(minutes=16))
    supervision.run_all(today=timezone.localdate(), only=RULES)
    assert not Finding.objects.filter(rule__in=RULES).exists()
