"""The kit's pages (core.generic ScopedCreateView / ScopedUpdateView / ScopedActionView), on a tiny
URLconf over core's population figures and findings: choices within the user's areas, out of scope 404
with nothing written, in scope one audit row, and a refusal shown beside the form — with the field's
label, in the user's language, the input kept, 400/409 — as a page or an HTMX partial."""

import pytest
from django import forms
from django.urls import include, path
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import services
from core.choices import FindingStatus
from core.exceptions import TransitionRefused
from core.generic import ScopedActionView, ScopedCreateView, ScopedUpdateView
from core.models import AreaPopulation, AuditEvent, Finding

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def settle(*, actor, finding, resolution, status):
    if finding.status != FindingStatus.OPEN:
        raise TransitionRefused(_("This finding is already closed."))
    return services.close_finding(actor=actor, finding=finding, status=status, resolution=resolution)


class SettleForm(forms.Form):
    what_was_done = forms.CharField(label="处理情况", max_length=200)
    outcome = forms.ChoiceField(label="处理结果", choices=[("resolved", "已解决"), ("dismissed", "不予处理"),
                                                         ("open", "未处理")])


class PopulationCreate(ScopedCreateView):
    model = AreaPopulation
    fields = ["area", "year", "resident", "registered"]
    success_url = "/done/"


class PopulationUpdate(ScopedUpdateView):
    model = AreaPopulation
    fields = ["resident", "registered"]
    success_url = "/done/"


class FindingSettle(ScopedActionView):
    model = Finding
    form_class = SettleForm
    service = settle
    arguments = {"what_was_done": "resolution", "outcome": "status"}
    success_url = "/done/"


urlpatterns = [
    path("population/new/", PopulationCreate.as_view()),
    path("population/<int:pk>/", PopulationUpdate.as_view()),
    path("findings/<int:pk>/settle/", FindingSettle.as_view()),
    path("", include("portal.urls")),  # the pages' frame links to the portal's own routes
]


@pytest.fixture
def new_events(world):
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: AuditEvent.objects.filter(pk__gt=start)


@pytest.fixture
def finding(world):
    return services.raise_finding(rule="kit.page", target=world.community_a, area=world.community_a,
                                  title="台账缺失")[0]


def zh(message):
    with translation.override("zh-hans"):
        return gettext(message)


class TestCreatePage:
    def test_the_area_choices_are_where_the_user_may_add(self, world, web):
        page = web(world.officer_a).get("/population/new/").content.decode()
        assert world.community_a.name in page and world.community_b.name not in page

    def test_in_scope_it_creates_with_one_audit_row(self, world, web, new_events):
        response = web(world.officer_a).post("/population/new/", {
            "area": world.community_a.pk, "year": 2024, "resident": 10, "registered": 9})
        assert response.status_code == 302 and response["Location"] == "/done/"
        pop = AreaPopulation.objects.get(area=world.community_a, year=2024)
        assert new_events().get().target_id == str(pop.pk)

    def test_another_districts_area_is_refused_and_nothing_is_written(self, world, web, new_events):
        response = web(world.officer_a).post("/population/new/", {
            "area": world.community_b.pk, "year": 2024, "resident": 10, "registered": 9})
        assert response.status_code == 400
        assert not AreaPopulation.objects.exists() and not new_events().exists()

    def test_a_user_without_the_permission_is_refused(self, world, web):
        assert web(world.outsider).get("/population/new/").status_code == 403


class TestUpdatePage:
    def test_in_scope_one_audit_row_with_before_and_after(self, world, web, new_events):
        pop = AreaPopulation.objects.create(area=world.community_a, year=2023, resident=100, registered=90)
        response = web(world.officer_a).post(f"/population/{pop.pk}/", {"resident": 120, "registered": 90})
        assert response.status_code == 302
        assert new_events().get().changes == {"resident": [100, 120]}

    def test_out_of_scope_it_does_not_exist_and_nothing_is_written(self, world, web, new_events):
        pop = AreaPopulation.objects.create(area=world.community_a, year=2023, resident=100, registered=90)
        client = web(world.officer_b)
        assert client.get(f"/population/{pop.pk}/").status_code == 404
        assert client.post(f"/population/{pop.pk}/", {"resident": 1, "registered": 1}).status_code == 404
        assert AreaPopulation.objects.get(pk=pop.pk).resident == 100 and not new_events().exists()

    def test_an_invalid_value_is_shown_with_the_label_and_the_input_kept(self, world, web, new_events):
        pop = AreaPopulation.objects.create(area=world.community_a, year=2023, resident=100, registered=90)
        response = web(world.officer_a).post(f"/population/{pop.pk}/", {"resident": -5, "registered": 90})
        assert response.status_code == 400
        page = response.content.decode()
        label = zh("resident population")
        assert f"{label}: " in page and "resident:" not in page
        assert 'value="-5"' in page
        assert not new_events().exists()


class TestActionPage:
    def test_in_scope_it_is_done_and_audited_once(self, world, web, new_events):
        finding = services.raise_finding(rule="kit.page", target=world.community_a, area=world.community_a,
                                         title="台账缺失")[0]
        response = web(world.officer_a).post(f"/findings/{finding.pk}/settle/",
                                             {"what_was_done": "已补齐台账", "outcome": "resolved"})
        assert response.status_code == 302 and response["Location"] == "/done/"
        assert new_events().filter(actor=world.officer_a).count() == 1
        assert Finding.objects.get(pk=finding.pk).status == FindingStatus.RESOLVED

    def test_out_of_scope_it_is_404_before_the_form_and_nothing_is_written(self, world, web, finding, new_events):
        client = web(world.officer_b)
        assert client.post(f"/findings/{finding.pk}/settle/", {}).status_code == 404
        assert client.post(f"/findings/{finding.pk}/settle/",
                           {"what_was_done": "越界", "outcome": "resolved"}).status_code == 404
        assert not new_events().exists()

    def test_a_user_without_a_role_is_refused(self, world, web, finding):
        assert web(world.outsider).post(f"/findings/{finding.pk}/settle/", {}).status_code == 403

    def test_an_invalid_form_names_the_field_by_its_label_and_keeps_the_input(self, world, web, finding):
        response = web(world.officer_a).post(f"/findings/{finding.pk}/settle/", {"outcome": "dismissed"})
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="refusal"' in page and "处理情况: " in page and "what_was_done" not in page.split('id="refusal"')[1]
        assert '<option value="dismissed" selected>' in page

    def test_the_services_refusal_is_shown_beside_the_form_in_the_users_words(self, world, web, finding,
                                                                             new_events):
        response = web(world.officer_a).post(f"/findings/{finding.pk}/settle/",
                                             {"what_was_done": "已补齐台账", "outcome": "open"})
        assert response.status_code == 400
        page = response.content.decode()
        assert f"处理结果: {zh('Choose resolved or dismissed.')}" in page  # the label, not "status"
        assert 'value="已补齐台账"' in page
        assert not new_events().exists()

    def test_a_refused_step_is_409_with_the_reason(self, world, web, finding):
        services.close_finding(actor=world.city_admin, finding=finding, status="resolved", resolution="已办")
        response = web(world.officer_a).post(f"/findings/{finding.pk}/settle/",
                                             {"what_was_done": "再办", "outcome": "resolved"})
        assert response.status_code == 409
        assert zh("This finding is already closed.") in response.content.decode()

    def test_the_refusal_is_in_the_users_language(self, world, web, finding):
        client = web(world.officer_a)
        client.cookies["django_language"] = "en"
        response = client.post(f"/findings/{finding.pk}/settle/", {"what_was_done": "x", "outcome": "open"})
        assert "Choose resolved or dismissed." in response.content.decode()
        zh_page = web(world.officer_a).post(f"/findings/{finding.pk}/settle/",
                                            {"what_was_done": "x", "outcome": "open"}).content.decode()
        assert zh("Choose resolved or dismissed.") in zh_page != "Choose resolved or dismissed."

    def test_with_htmx_the_refusal_comes_as_the_form_partial_and_success_as_a_redirect(self, world, web, finding):
        client = web(world.officer_a)
        refused = client.post(f"/findings/{finding.pk}/settle/", {"outcome": "resolved"}, HTTP_HX_REQUEST="true")
        assert refused.status_code == 400
        assert "<html" not in refused.content.decode() and 'id="refusal"' in refused.content.decode()
        done = client.post(f"/findings/{finding.pk}/settle/", {"what_was_done": "已办", "outcome": "resolved"},
                           HTTP_HX_REQUEST="true")
        assert done.status_code == 204 and done["HX-Redirect"] == "/done/"


class TestTheMatterPagesStepsOnTheKit:
    """governance's accept/decline/withdraw, moved onto ScopedActionView."""

    @pytest.fixture
    def walker(self, world):
        from tests.factories.governance import Walker

        return Walker(world.community_a)

    def url(self, matter, step):
        return f"/governance/matters/{matter.pk}/{step}/"

    def test_a_missing_reason_is_named_by_its_label_beside_the_form(self, walker, web):
        from tests.factories.governance import raise_matter

        matter = raise_matter(walker.area, actor=walker.worker)
        response = web(walker.committee).post(self.url(matter, "decline"), {"decline-reason": ""})
        assert response.status_code == 400
        refusal = response.content.decode().split('id="refusal"')[1]
        assert f"{zh('Reason')}: " in refusal and "reason" not in refusal

    def test_a_refused_step_keeps_what_the_user_wrote(self, walker, web):
        from governance.choices import Stage
        from tests.factories.governance import raise_matter

        matter = raise_matter(walker.area, actor=walker.worker)
        response = web(walker.worker).post(self.url(matter, "accept"), {"accept-reason": "下周上会"})
        assert response.status_code == 409
        assert "下周上会" in response.content.decode() and 'id="refusal"' in response.content.decode()
        matter.refresh_from_db()
        assert matter.stage == Stage.RAISED

    def test_the_step_done_goes_back_to_the_case_file(self, walker, web):
        from governance.choices import Stage
        from tests.factories.governance import raise_matter

        matter = raise_matter(walker.area, actor=walker.worker)
        response = web(walker.worker).post(self.url(matter, "withdraw"), {"withdraw-reason": "已自行解决"})
        assert response.status_code == 302 and response["Location"] == matter.get_absolute_url()
        matter.refresh_from_db()
        assert matter.stage == Stage.WITHDRAWN
