"""The volunteer's own steps on "my service" are kit steps: a refusal shows the page again with the
reason in words (the field's label, not its name) beside the form it came from and what was typed kept
(400 bad input, 409 a refused step); another volunteer's things are 404 and nothing is written."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import volunteers as vf
from volunteers import services
from volunteers.choices import SignUpStatus
from volunteers.models import Certificate, CorrectionRequest, ServiceHourRecord, Shift, SignUp

pytestmark = pytest.mark.django_db


def _client(web, user, lang="en"):
    client = web(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


def _input_value(page, element_id):
    found = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', page)
    assert found, f"no input #{element_id}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def mine(world):
    """A volunteer with an account, a member of a team, one approved record and a shift tomorrow."""
    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager, join_mode="open")
    me = vf.volunteer(world.community_a, user=vf.volunteer_user(), name="周小红")
    services.join_team(actor=None, team=team, volunteer=me)
    record = services.record_hours(actor=vf.recorder(team), volunteer=me, team=team, hours="2",
                                   service_date=timezone.localdate() - datetime.timedelta(days=3))
    services.approve_record(actor=manager, record=record)
    shift = vf.past_shift(team)  # starts tomorrow
    return me, team, record, shift, manager


# --- check-in ------------------------------------------------------------------------------------------------
def test_a_wrong_check_in_code_stays_in_the_field_with_the_reason_beside_it(world, web, mine):
    me, team, record, shift, manager = mine
    services.sign_up(actor=me.user, shift=shift, volunteer=me)
    response = _client(web, me.user).post(reverse("volunteers:me-checkin"), {"code": "zz99zz"})
    page = response.content.decode()
    assert response.status_code == 400
    assert _input_value(page, "id_checkin_code") == "zz99zz"  # kept as typed
    assert '<div class="refusal-line">Shift code: No shift of yours has this code.</div>' in page
    assert 'id="checkin-form"' in page and 'id="my-records"' in page  # "my service" itself, shown again
    assert SignUp.objects.get(shift=shift, volunteer=me).status == SignUpStatus.SIGNED_UP


def test_the_reason_reads_in_chinese_with_the_fields_chinese_label(world, web, mine):
    me, *_ = mine
    response = _client(web, me.user, "zh-hans").post(reverse("volunteers:me-checkin"), {"code": "ZZ99ZZ"})
    with translation.override("zh-hans"):
        line = f'{translation.gettext("Shift code")}: {translation.gettext("No shift of yours has this code.")}'
    assert "Shift code" not in line
    assert response.status_code == 400 and line in response.content.decode()
    assert "code:" not in response.content.decode()


def test_another_volunteers_shift_code_is_no_shift_of_mine(world, web, mine):
    me, team, record, shift, manager = mine
    other = vf.volunteer(world.community_a, user=vf.volunteer_user())
    services.sign_up(actor=None, shift=shift, volunteer=other)
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    response = _client(web, me.user).post(reverse("volunteers:me-checkin"), {"code": shift.checkin_code})
    assert response.status_code == 400 and "No shift of yours has this code." in response.content.decode()
    assert SignUp.objects.get(shift=shift, volunteer=other).status == SignUpStatus.SIGNED_UP
    assert not SignUp.objects.filter(shift=shift, volunteer=me).exists()


def test_checking_in_before_the_shift_opens_is_refused_with_the_code_kept(world, web, mine):
    me, team, record, shift, manager = mine
    services.sign_up(actor=me.user, shift=shift, volunteer=me)  # the shift starts tomorrow
    response = _client(web, me.user).post(reverse("volunteers:me-checkin"), {"code": shift.checkin_code.lower()})
    page = response.content.decode()
    assert response.status_code == 409
    assert _input_value(page, "id_checkin_code") == shift.checkin_code.lower()
    assert "Check-in is open from an hour before the shift until it ends." in page
    assert SignUp.objects.get(shift=shift, volunteer=me).status == SignUpStatus.SIGNED_UP


def test_a_refusal_from_the_qr_codes_page_shows_that_page_again(world, web, mine):
    me, team, record, shift, manager = mine
    services.sign_up(actor=me.user, shift=shift, volunteer=me)
    client = _client(web, me.user)
    qr_page = client.get(reverse("volunteers:me-checkin-code", args=[shift.checkin_code])).content.decode()
    assert 'name="via" value="qr"' in qr_page
    response = client.post(reverse("volunteers:me-checkin"), {"code": shift.checkin_code, "via": "qr"})
    page = response.content.decode()
    assert response.status_code == 409 and "Check-in is open from an hour before" in page
    assert f'name="code" value="{shift.checkin_code}"' in page and 'name="via" value="qr"' in page
    assert 'id="my-records"' not in page  # the one-tap page, not "my service"


def test_the_right_code_checks_in_and_returns_to_my_service(world, web, mine):
    me, team, record, shift, manager = mine
    services.sign_up(actor=me.user, shift=shift, volunteer=me)
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    response = _client(web, me.user).post(reverse("volunteers:me-checkin"), {"code": shift.checkin_code.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:me")
    assert SignUp.objects.get(shift=shift, volunteer=me).status == SignUpStatus.CHECKED_IN


# --- corrections -----------------------------------------------------------------------------------------------
def test_a_correction_without_hours_keeps_the_typed_reason_beside_the_refusal(world, web, mine):
    me, team, record, shift, manager = mine
    response = _client(web, me.user).post(reverse("volunteers:me-correction", args=[record.pk]),
                                          {"requested_hours": "", "reason": "实际服务到11点，少记一小时"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "实际服务到11点，少记一小时</textarea>" in page  # what was typed, kept in the field
    assert '<div class="refusal-line">Correct hours: This field is required.</div>' in page
    assert "requested_hours:" not in page
    assert re.search(r'<details class="small" open>', page)  # the refused form is open
    assert not CorrectionRequest.objects.exists()


def test_a_correction_with_a_blank_reason_keeps_the_hours(world, web, mine):
    me, team, record, shift, manager = mine
    response = _client(web, me.user).post(reverse("volunteers:me-correction", args=[record.pk]),
                                          {"requested_hours": "3", "reason": "  "})
    page = response.content.decode()
    assert response.status_code == 400
    assert _input_value(page, f"id_correction{record.pk}_requested_hours") == "3"
    assert "What is wrong: " in page
    assert not CorrectionRequest.objects.exists()


def test_a_second_correction_of_the_same_record_is_refused_with_the_input_kept(world, web, mine):
    me, team, record, shift, manager = mine
    client = _client(web, me.user)
    url = reverse("volunteers:me-correction", args=[record.pk])
    done = client.post(url, {"requested_hours": "3", "reason": "少记一小时"})
    assert done.status_code == 302 and done["Location"] == reverse("volunteers:me")
    response = client.post(url, {"requested_hours": "4", "reason": "又少记一小时"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "A correction of this record is already waiting for the team&#x27;s answer." in page
    assert _input_value(page, f"id_correction{record.pk}_requested_hours") == "4" and "又少记一小时</textarea>" in page
    assert CorrectionRequest.objects.count() == 1


def test_another_volunteers_record_is_404(world, web, mine):
    me, team, record, shift, manager = mine
    other = vf.volunteer(world.community_a, user=vf.volunteer_user())
    theirs = services.record_hours(actor=vf.recorder(team), volunteer=other, team=team, hours="1",
                                   service_date=timezone.localdate())
    response = _client(web, me.user).post(reverse("volunteers:me-correction", args=[theirs.pk]),
                                          {"requested_hours": "3", "reason": "少记"})
    assert response.status_code == 404 and not CorrectionRequest.objects.exists()
    staff = _client(web, manager).post(reverse("volunteers:me-correction", args=[record.pk]),
                                       {"requested_hours": "3", "reason": "少记"})
    assert staff.status_code == 404  # not a volunteer's account: no "my service"


# --- sign-up ---------------------------------------------------------------------------------------------------
def test_signing_up_for_a_started_shift_of_my_team_is_refused_on_my_service(world, web, mine):
    me, team, record, shift, manager = mine
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    response = _client(web, me.user).post(reverse("volunteers:me-sign-up", args=[shift.pk]))
    page = response.content.decode()
    assert response.status_code == 409
    assert '<div id="sign-up-refused">' in page and shift.activity.title in page
    assert '<div class="refusal-line">This shift has already started.</div>' in page
    assert not SignUp.objects.filter(shift=shift, volunteer=me).exists()


def test_a_shift_of_a_team_i_am_not_in_is_404(world, web, mine):
    me, *_ = mine
    shift = vf.past_shift(vf.team(world.community_a))
    response = _client(web, me.user).post(reverse("volunteers:me-sign-up", args=[shift.pk]))
    assert response.status_code == 404 and not shift.signups.exists()


# --- certificates ----------------------------------------------------------------------------------------------
def test_a_certificate_of_no_remaining_hours_is_refused_beside_the_teams_button(world, web, mine):
    me, team, record, shift, manager = mine
    services.reverse_record(actor=manager, record=record, reason="录入错误")
    response = _client(web, me.user).post(reverse("volunteers:me-certificate", args=[team.pk]))
    page = response.content.decode()
    assert response.status_code == 409
    button = page.index(f'action="{reverse("volunteers:me-certificate", args=[team.pk])}"')
    reason = page.index("This team has no approved hours of this volunteer to certify.")
    assert button < reason < page.index("</form>", button)  # inside that team's form
    assert not Certificate.objects.exists()


def test_a_team_that_never_certified_my_hours_is_404_and_mine_gives_the_pdf(world, web, mine):
    me, team, record, shift, manager = mine
    other_manager = vf.manager_user(world.community_a)
    elsewhere = vf.team(world.community_a, manager=other_manager)  # it certifies another volunteer's hours
    other = vf.volunteer(world.community_a, user=vf.volunteer_user())
    theirs = services.record_hours(actor=vf.recorder(elsewhere), volunteer=other, team=elsewhere, hours="1",
                                   service_date=timezone.localdate())
    services.approve_record(actor=other_manager, record=theirs)
    client = _client(web, me.user)
    assert client.post(reverse("volunteers:me-certificate", args=[elsewhere.pk])).status_code == 404
    assert not Certificate.objects.exists()
    done = client.post(reverse("volunteers:me-certificate", args=[team.pk]))
    cert = Certificate.objects.get(volunteer=me)
    assert done.status_code == 302 and done["Location"] == reverse("volunteers:certificate-pdf", args=[cert.pk])


# --- the record's approval time --------------------------------------------------------------------------------
def test_the_approval_time_reads_as_a_time():
    field = ServiceHourRecord._meta.get_field("approved_at")
    with translation.override("zh-hans"):
        assert str(field.verbose_name) == "审核时间"
    assert str(field.verbose_name) == "approved at"
