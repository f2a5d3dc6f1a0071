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
