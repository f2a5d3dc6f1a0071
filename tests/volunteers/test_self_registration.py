"""A resident registers as a volunteer on a public page; the area's volunteer officer decides.

The page refuses the applicant's own facts beside what they typed (a child under 14, 14–17 without a
guardian's consent, no consent to the personal data), never tells whether an ID number is already
registered (the same answer for a duplicate), and is rate-limited. The officer's decision is
scoped (another district: 404), audited, and an approval registers the volunteer through the
registry's own service and can open their account."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.personal import str_plain
from tests.factories import id_number
from tests.scoped import Pages
from volunteers import applications, services
from volunteers.choices import ApplicationStatus
from volunteers.models import Volunteer, VolunteerApplication

pytestmark = pytest.mark.django_db
URL = "volunteers:self-register"


@pytest.fixture(autouse=True)
def _fresh_budget():
    cache.clear()  # the per-address budget of the public page
    yield
    cache.clear()


@pytest.fixture
def web(web):
    """Pages in English, so that assertions read the source strings."""
    def make(user=None):
        client = web(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client
    return make


def _born_years_ago(years: int, days: int = 30) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def _form(world, **changes):
    data = {"name": "陈晓燕", "id_number": id_number("340302", _born_years_ago(30)), "phone": "13955501234",
            "area": world.community_a.pk, "service_fields": ["elderly", "community"], "skills": "手语",
            "guardian_name": "", "data_consent": "on"}
    return {**data, **changes}


def _visible(response) -> str:
    """The page less what differs on every request anyway (the CSRF token, the script nonce)."""
    import re

    return re.sub(r'"[A-Za-z0-9_-]{32,}"', "", response.content.decode())


def _application(world, **changes):
    values = {"name": "陈晓燕", "id_number": id_number("340302", _born_years_ago(30)), "phone": "13955501234",
              "area": world.community_a, "service_fields": "助老助残", "data_consent": True}
    return applications.submit_application(**{**values, **changes})


# --- the public page ------------------------------------------------------------------------------------------
def test_a_resident_registers_and_is_told_the_registration_will_be_reviewed(world, web):
    response = web().post(reverse(URL), _form(world))
    assert response.status_code == 302 and response["Location"].endswith("?done=1")
    application = VolunteerApplication.objects.get()
    assert application.status == ApplicationStatus.PENDING and application.area == world.community_a
    assert "Help for the elderly and the disabled" in application.service_fields
    event = AuditEvent.objects.get(action="volunteers.application.submit")
    assert event.actor is None and event.actor_label == applications.PUBLIC_ACTOR_LABEL
    assert "13955501234" not in str(event.changes)  # masked in the log
    done = web().get(response["Location"]).content.decode()
    assert "will review it" in done
    assert not Volunteer.objects.exists()  # nothing is registered before the officer decides


def test_a_child_under_14_is_refused_beside_the_kept_input(world, web):
    child = id_number("340302", _born_years_ago(12))
    response = web().post(reverse(URL), _form(world, name="小明", id_number=child))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Children under 14 cannot register as volunteers themselves" in page
    assert "Resident ID number: " in page  # the field's label, not its name
    assert 'value="小明"' in page and f'value="{child}"' in page  # what they typed is kept
    assert not VolunteerApplication.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="volunteers.application").exists()


def test_aged_14_to_17_needs_the_guardians_consent(world, web):
    teen = id_number("340302", _born_years_ago(15))
    refused = web().post(reverse(URL), _form(world, id_number=teen, guardian_name="陈建国"))
    assert refused.status_code == 400 and "consent is needed" in refused.content.decode()
    assert 'value="陈建国"' in refused.content.decode()
    accepted = web().post(reverse(URL), _form(world, id_number=teen, guardian_name="陈建国", guardian_consent="on"))
    assert accepted.status_code == 302
    assert VolunteerApplication.objects.get().guardian_consent


def test_no_registration_without_consent_to_the_personal_data(world, web):
    data = _form(world)
    del data["data_consent"]
    response = web().post(reverse(URL), data)
    assert response.status_code == 400 and "consent to the use of your personal data" in response.content.decode()
    assert not VolunteerApplication.objects.exists()


def test_an_id_number_already_registered_gets_the_same_answer_as_a_new_one(world, web):
    taken = id_number("340302", _born_years_ago(40))
    services.register_volunteer(actor=None, name="王某", id_number=taken, area=world.community_b)  # another district
    new = web().post(reverse(URL), _form(world, id_number=id_number("340302", _born_years_ago(41))))
    duplicate = web().post(reverse(URL), _form(world, id_number=taken))
    assert (duplicate.status_code, duplicate["Location"]) == (new.status_code, new["Location"])
    assert _visible(web().get(duplicate["Location"])) == _visible(web().get(new["Location"]))
    assert VolunteerApplication.objects.count() == 2  # both wait for the officer, who sees the clash


def test_the_page_is_rate_limited_per_address(world, web, settings):
    settings.PORTAL_VOLUNTEER_REGISTRATIONS_PER_MINUTE = 2
    client = web()
    for _ in range(2):
        assert client.post(reverse(URL), _form(world, name="")).status_code == 400
    refused = client.post(reverse(URL), _form(world))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert not VolunteerApplication.objects.exists()


def test_the_picker_offers_communities_grouped_by_street(world, web):
    page = web().get(reverse(URL)).content.decode()
    assert '<optgroup label="东风街道">' in page and "和平社区" in page and "燕山村" in page
    assert f'value="{world.street_a.pk}"' not in page  # a street is no place to serve in


# --- the officer decides ----------------------------------------------------------------------------------------
class TestApplicationDecidePage(Pages.Action):
    action_url_name = "volunteers:application-decide"

    def make_object(self, world):
        return _application(world)

    def action_payload(self, world, application):
        return {"decision": "refuse", "reason": "联系不上本人"}


class TestApplicationListPage(Pages.List):
    list_url_name = "volunteers:application-list"

    def make_object(self, world):
        return _application(world, name="周佳怡")

    def make_many(self, world, n):
        for i in range(n):
            _application(world, name=f"申请人{i}", id_number=id_number("340302", _born_years_ago(30 + i % 20)))


def test_approval_registers_the_volunteer_with_an_account_audited(world, web):
    application = _application(world, name="陈晓燕")
    response = web(world.officer_a).post(reverse("volunteers:application-decide", args=[application.pk]),
                                         {"decision": "approve", "username": "chenxiaoyan"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"  # the first password, once
    application.refresh_from_db()
    volunteer = Volunteer.objects.get()
    assert application.status == ApplicationStatus.APPROVED and application.volunteer == volunteer
    assert volunteer.name == "陈晓燕" and volunteer.area == world.community_a and volunteer.user.username == "chenxiaoyan"
    assert str_plain(volunteer.phone) == "13955501234" and volunteer.service_fields == "助老助残"
    for action in ("volunteers.application.approve", "volunteers.volunteer.register", "volunteers.volunteer.account"):
        assert AuditEvent.objects.filter(action=action, actor=world.officer_a).exists(), action
    approve = AuditEvent.objects.get(action="volunteers.application.approve")
    assert approve.changes["status"] == [ApplicationStatus.PENDING, ApplicationStatus.APPROVED]


def test_a_refusal_without_a_reason_keeps_the_input_and_names_the_field(world, web):
    application = _application(world)
    url = reverse("volunteers:application-decide", args=[application.pk])
    response = web(world.officer_a).post(url, {"decision": "refuse", "reason": "", "username": "kept-name"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Reason (needed to refuse): Say why the registration is refused" in page
    assert 'value="kept-name"' in page and '<option value="refuse" selected>' in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert not AuditEvent.objects.filter(action__startswith="volunteers.application.refuse").exists()


def test_the_chinese_refusal_reads_the_fields_label(world, web):
    from django.test import Client

    application = _application(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.officer_a)
    page = client.post(reverse("volunteers:application-decide", args=[application.pk]),
                       {"decision": "refuse", "reason": ""}).content.decode()
    assert "理由" in page and "reason:" not in page and "Reason" not in page


def test_an_already_registered_person_is_not_registered_twice(world, web):
    taken = id_number("340302", _born_years_ago(40))
    services.register_volunteer(actor=None, name="王某", id_number=taken, area=world.community_a)
    application = _application(world, id_number=taken)
    url = reverse("volunteers:application-decide", args=[application.pk])
    assert "already registered" in web(world.officer_a).get(url).content.decode()  # the officer sees the clash
    response = web(world.officer_a).post(url, {"decision": "approve"})
    assert response.status_code == 409 and "already registered as a volunteer" in response.content.decode()
    assert Volunteer.objects.count() == 1


def test_another_districts_officer_cannot_decide(world, web):
    application = _application(world)
    url = reverse("volunteers:application-decide", args=[application.pk])
    assert web(world.officer_b).post(url, {"decision": "approve"}).status_code == 404
    assert not Volunteer.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_the_officers_workbench_counts_what_waits(world):
    from volunteers.workbench import _registrations_to_decide

    _application(world)
    assert _registrations_to_decide(world.officer_a).count() == 1
    assert _registrations_to_decide(world.officer_b).count() == 0
