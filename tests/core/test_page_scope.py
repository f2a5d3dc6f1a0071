"""The persona matrix for core's page actions (closing a finding, revealing personal data)."""

import datetime

from core import services
from core.models import StaffProfile
from tests.factories import id_number, make_area
from tests.scoped import Pages


class TestFindingClosePage(Pages.Action):
    action_url_name = "finding-close"

    def make_object(self, world):
        grid = make_area(f"340302001001{StaffProfile.objects.count() + 200:03d}", "grid", world.community_a)
        finding, _ = services.raise_finding(rule="core.test_rule", target=grid, area=grid, title="检查",
                                            due_date=datetime.date(2020, 12, 31))
        return finding

    def action_payload(self, world, obj):
        return {"status": "resolved", "resolution": "已整改"}


class TestRevealPage(Pages.Action):
    action_url_name = "reveal"
    in_scope_status = (200,)

    def make_object(self, world):
        return services.save_staff_profile(actor=None, user=world.worker_a, area=world.community_a, full_name="社工甲",
                                           id_number=id_number("340302"))

    def action_args(self, profile):
        return ["staffprofile", profile.pk, "id_number"]

    def action_payload(self, world, obj):
        return {"reason": "上门核实身份"}


class TestFindingCloseRefusal:
    def test_a_refused_close_keeps_the_note_and_says_why_in_chinese(self, world, web):
        """Closing twice: the second is refused with the reason beside the form, and the typed note
        is still in it (the old function view redirected and lost it)."""
        from django.urls import reverse

        finding = TestFindingClosePage().make_object(world)
        client = web(world.officer_a)
        url = reverse("finding-close", args=[finding.pk])
        assert client.post(url, {"status": "resolved", "resolution": "已整改"}).status_code == 302
        response = client.post(url, {"status": "dismissed", "resolution": "第二次填写的说明"},
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400
        page = response.content.decode()
        assert "第二次填写的说明" in page
        assert "该督办事项已办结。" in page  # the reason, in words
        assert "status:" not in page  # not the field's name


class TestRevealRefusal:
    def test_a_too_short_reason_is_refused_beside_the_kept_input(self, world, web):
        from django.urls import reverse

        number = id_number("340302")
        profile = services.save_staff_profile(actor=None, user=world.worker_a, area=world.community_a,
                                              full_name="社工乙", id_number=number)
        client = web(world.officer_a)
        response = client.post(reverse("reveal", args=["staffprofile", profile.pk, "id_number"]), {"reason": "看"})
        assert response.status_code == 400
        page = response.content.decode()
        assert 'value="看"' in page
        assert 'role="alert"' in page
        assert number not in page
