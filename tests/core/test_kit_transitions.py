"""Declarative API transitions (core.api.transitions), on a tiny viewset over core's findings: out of
scope is 404 before the body or the state is looked at, a bad body is 400 with its fields, a refused
step is 409 with its reason, in scope one audit row, and the schema shows the input and output."""

import pytest
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from core import services
from core.api.serializers import FindingSerializer
from core.api.viewsets import ScopedReadOnlyViewSet, Transition
from core.choices import FindingStatus
from core.exceptions import TransitionRefused
from core.models import AuditEvent, Finding

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def settle(*, actor, finding, resolution, dismiss=False):
    """Settle a finding: resolve or dismiss it."""
    if finding.status != FindingStatus.OPEN:
        raise TransitionRefused(_("This finding is already closed."))
    status = FindingStatus.DISMISSED if dismiss else FindingStatus.RESOLVED
    return services.close_finding(actor=actor, finding=finding, status=status, resolution=resolution)


class SettleInput(serializers.Serializer):
    what_was_done = serializers.CharField(max_length=200)
    dismiss = serializers.BooleanField(default=False)


class SettledOutput(serializers.Serializer):
    status = serializers.CharField()
    resolution = serializers.CharField()


class FindingSteps(ScopedReadOnlyViewSet):
    queryset = Finding.objects.select_related("area")
    serializer_class = FindingSerializer
    transitions = {
        "settle": Transition(settle, input=SettleInput, output=SettledOutput,
                             arguments={"what_was_done": "resolution"}),
        "reopen_later": Transition(settle, input=SettleInput, status=202, url_path="reopen-later",
                                   arguments={"what_was_done": "resolution"}),
    }


router = SimpleRouter()
router.register("findings", FindingSteps, basename="kit-finding")
urlpatterns = router.urls


def url(finding, step="settle"):
    return f"/findings/{finding.pk}/{step}/"


@pytest.fixture
def finding(world):
    return services.raise_finding(rule="kit.test", target=world.community_a, area=world.community_a,
                                  title="台账缺失")[0]


def events_by(user):
    return AuditEvent.objects.filter(actor=user)


def test_in_scope_the_step_is_taken_answered_with_the_output_and_audited_once(world, api, finding):
    response = api(world.officer_a).post(url(finding), {"what_was_done": "已补齐台账"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "resolved", "resolution": "已补齐台账"}
    assert events_by(world.officer_a).filter(action="core.finding.resolved", target_id=str(finding.pk)).count() == 1


def test_out_of_scope_it_is_404_before_the_body_is_validated_and_nothing_is_written(world, api, finding):
    client = api(world.officer_b)
    assert client.post(url(finding), {}, format="json").status_code == 404  # a bad body: still 404
    assert client.post(url(finding), {"what_was_done": "越界"}, format="json").status_code == 404
    assert not events_by(world.officer_b).exists()
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN


def test_out_of_scope_it_is_404_before_the_state_is_looked_at(world, api, finding):
    services.close_finding(actor=world.city_admin, finding=finding, status=FindingStatus.RESOLVED, resolution="已办")
    assert api(world.officer_b).post(url(finding), {"what_was_done": "越界"}, format="json").status_code == 404


def test_a_bad_body_is_400_with_the_fields_messages(world, api, finding):
    response = api(world.officer_a).post(url(finding), {"dismiss": "perhaps"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and set(error["fields"]) == {"what_was_done", "dismiss"}
    assert not events_by(world.officer_a).exists()


def test_a_refused_step_is_409_with_the_reason(world, api, finding):
    services.close_finding(actor=world.city_admin, finding=finding, status=FindingStatus.RESOLVED, resolution="已办")
    response = api(world.officer_a).post(url(finding), {"what_was_done": "再办"}, format="json",
                                         HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "This finding is already closed."


def test_the_services_validation_is_400_with_its_fields(world, api, finding):
    response = api(world.officer_a).post(url(finding), {"what_was_done": "   "}, format="json")
    assert response.status_code == 400
    assert "what_was_done" in response.json()["error"]["fields"]  # blank after trimming: the serializer


def test_a_user_without_the_permission_is_refused_with_403(world, api, finding):
    assert api(world.auditor).post(url(finding), {"what_was_done": "x"}, format="json").status_code == 403
    assert api(world.outsider).post(url(finding), {"what_was_done": "x"}, format="json").status_code == 403


def test_the_step_needs_the_change_scope_and_answers_its_own_status(world, api, finding):
    assert FindingSteps.action_perms == {"settle": "change", "reopen_later": "change"}
    response = api(world.officer_a).post(url(finding, "reopen-later"), {"what_was_done": "已办"}, format="json")
    assert response.status_code == 202 and response.json()["id"] == finding.pk  # the viewset's serializer


def test_the_schema_shows_the_input_and_the_output(world):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    operation = schema["paths"]["/findings/{id}/settle/"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SettleInputRequest")
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SettledOutput")
    assert operation.get("description") == "Settle a finding: resolve or dismiss it."  # the service says what it does
    assert "202" in schema["paths"]["/findings/{id}/reopen-later/"]["post"]["responses"]
