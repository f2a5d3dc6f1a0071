"""The registry's writes on core's recorded kit answer as before: out of scope or without the permission the
record does not exist (404, never 403), the refusals keep their messages, one audit event with the change
and the ID masked."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from child_care import services
from child_care.choices import ParentSituation
from child_care.models import Relationship
from core.exceptions import OutOfScope, TransitionRefused
from core.models import AuditEvent
from tests.factories import id_number
from tests.factories.child_care import child, with_parents

pytestmark = pytest.mark.django_db


def test_a_person_is_registered_with_one_event_and_the_id_masked(world, cc):
    number = id_number(world.community_a.code[:6], datetime.date(2013, 4, 5))
    kid = services.register_person(actor=cc.director_a, name="张小花", id_number=number, area=world.community_a)
    assert (kid.birth_date, kid.sex) == (datetime.date(2013, 4, 5), services.id_sex(number))
    event = AuditEvent.objects.get(action="child_care.person.create", target_id=str(kid.pk))
    assert event.actor == cc.director_a and number not in str(event.changes)
    assert event.changes["name"] == [None, "张小花"] and event.changes["id_number"][1] == number[:6] + "*" * 8 + number[-4:]
    with pytest.raises(ValidationError, match="already in the registry|已登记"):
        services.register_person(actor=cc.director_a, name="张小花", id_number=number, area=world.community_a)
    with pytest.raises(OutOfScope):
        services.register_person(actor=cc.director_b, name="张小花", id_number=number, area=world.community_a)


def test_an_update_is_one_event_of_what_changed_and_out_of_scope_or_without_the_permission_a_404(world, cc):
    kid = child(world.community_a)
    services.update_person(actor=cc.director_a, person=kid, address="三组12号")
    event = AuditEvent.objects.filter(action="child_care.person.update", target_id=str(kid.pk)).get()
    assert event.changes == {"address": ["", "三组12号"]}
    for outsider in (cc.director_b, world.officer_a):  # another village's director; a county officer (counts only)
        with pytest.raises(OutOfScope):
            services.update_person(actor=outsider, person=kid, id_number="x")
    with pytest.raises(ValidationError, match="id_number"):
        services.update_person(actor=cc.director_a, person=kid, id_number="x")
    services.delete_person(actor=cc.supervisor_a, person=kid, reason="重复登记")
    with pytest.raises(TransitionRefused):
        services.update_person(actor=cc.director_a, person=kid, address="四组")


def test_a_parent_s_situation_changes_in_scope_only_and_a_bad_choice_is_refused(world, cc):
    kid = child(world.community_a)
    with_parents(kid, actor=cc.director_a)
    father = Relationship.objects.filter(child=kid).order_by("id").first()
    with pytest.raises(OutOfScope):
        services.set_situation(actor=cc.director_b, relationship=father, situation="nowhere")
    with pytest.raises(ValidationError, match="situation"):
        services.set_situation(actor=cc.director_a, relationship=father, situation="nowhere")
    services.set_situation(actor=cc.director_a, relationship=father, situation=ParentSituation.AT_HOME)
    event = AuditEvent.objects.filter(action="child_care.relationship.situation").latest("id")
    assert event.changes == {"situation": [ParentSituation.AWAY, ParentSituation.AT_HOME]}
    assert event.area == world.community_a
    assert AuditEvent.objects.filter(action="child_care.relationship.create", area=world.community_a).count() == 2


def test_a_survey_and_an_appointment_are_recorded_in_scope_only(world, cc):
    kid = child(world.community_a)
    survey = services.record_survey(actor=cc.director_a, person=kid, surveyed_on=datetime.date(2024, 5, 1))
    assert AuditEvent.objects.get(action="child_care.survey.create", target_id=str(survey.pk)).area == world.community_a
    with pytest.raises(OutOfScope):
        services.record_survey(actor=cc.director_b, person=kid, surveyed_on=datetime.date(2024, 5, 1))
    appointment = services.appoint(actor=world.officer_a, post="director", area=world.community_a, name="李主任",
                                   starts_on=datetime.date(2024, 1, 1))
    assert AuditEvent.objects.filter(action="child_care.appointment.create", target_id=str(appointment.pk)).count() == 1
