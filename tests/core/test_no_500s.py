"""Asking to reveal something that is not personal data is a mistake of the request, answered
400 with a message on the field, never a server error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core import services
from core.models import AuditEvent
from tests.factories import id_number


@pytest.fixture
def profile(world):
    return services.save_staff_profile(actor=None, user=world.worker_a, area=world.community_a, full_name="陈静",
                                       id_number=id_number("340302"), phone="13912345678")


@pytest.mark.parametrize("field", ["full_name", "area", "no_such_field", "id_number_index", "pk"])
def test_the_service_refuses_a_field_that_is_not_personal_data_on_the_field(world, profile, field):
    with pytest.raises(ValidationError) as refused:
        services.reveal_personal_data(actor=world.officer_a, instance=profile, field=field, reason="核对身份信息")
    assert list(refused.value.message_dict) == ["field"]
    assert not AuditEvent.objects.filter(action="core.personal_data.reveal").exists()


@pytest.mark.parametrize("field", ["full_name", "no_such_field"])
def test_the_reveal_page_answers_400_with_the_message_for_a_field_that_is_not_personal_data(world, web, profile,
                                                                                           field):
    with translation.override("en"):
        response = web(world.officer_a).post(reverse("reveal", args=["staffprofile", profile.pk, field]),
                                             {"reason": "核对身份信息"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "is not personal data" in response.content.decode()
    assert not AuditEvent.objects.filter(action="core.personal_data.reveal").exists()
