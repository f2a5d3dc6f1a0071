"""Pages for the bodies' records that were API-only: cadre reviews (一述两评三议事), the points ledger
(推进积分化), rosters of the two committees and the supervision committee, community settings (rosters'
sizes and 一肩挑), and each community's bodies with whether it has a supervision committee (村(居)务监督
委员会). All on core's kit: scoped lists with filters and exports, detail pages, create/edit/action pages
that call the services and show their refusals beside the kept input."""

from django.db.models import Count, Q
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.generic import ScopedActionView, ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from core.models import Area
from core.scope import scope_for

from . import forms, services
from .choices import Capacity
from .filtersets import (
    POINTS_EVENTS,
    BodyMemberFilterSet,
    CadreReviewFilterSet,
    CommunitySettingFilterSet,
    PointsFilterSet,
)
from .models import BodyMember, CadreReview, CommunitySetting, PointsEntry


# --- cadre reviews (一述两评三议事) ---------------------------------------------------------------------------
class CadreReviewListView(ScopedListView):
    model = CadreReview
    filterset_class = CadreReviewFilterSet
    template_name = "governance/cadrereview_list.html"
    sort_fields = ["year"]
    default_sort = "-year"
    export_name = "cadre-reviews"
    export_columns = [
        (_("Community"), "area.name"), (_("Reviewed member"), "member.name"), (_("Year"), "year"),
        (_("Verdict"), "get_verdict_display"), (_("Concluded"), "concluded_at"),
    ]

    def base_queryset(self):
        return CadreReview.objects.select_related("area", "member")


class CadreReviewDetailView(ScopedDetailView):
    model = CadreReview
    template_name = "governance/cadrereview_detail.html"
    context_object_name = "review"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return CadreReview.objects.select_related("area", "member")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review = self.object
        ctx["ratings"] = list(review.ratings.all())
        ctx["can_change"] = (not review.concluded_at and scope_for(self.request.user).covers(
            "governance.change_cadrereview", review.area.code))
        ctx["rating_form"] = forms.RatingForm()
        return ctx


class CadreReviewCreateView(ScopedCreateView):
    model = CadreReview
    form_class = forms.CadreReviewForm
    title = _("Record a cadre's report (述职)")
    submit_label = _("Record the report")
    success_message = _("The report is recorded; the rater groups' ratings follow.")

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def perform(self, form):
        return services.submit_cadre_report(actor=self.request.user, **form.cleaned_data)


class CadreRateView(ScopedActionView):
    model = CadreReview
    form_class = forms.RatingForm
    service = services.record_cadre_ratings
    object_arg = "review"
    title = _("Record a rater group's ratings (评议)")
    submit_label = _("Record the ratings")
    success_message = _("The ratings are recorded.")


class CadreConcludeView(ScopedActionView):
    model = CadreReview
    service = services.conclude_cadre_review
    object_arg = "review"
    title = _("Conclude the review")
    submit_label = _("Conclude the review")
    success_message = _("The review is concluded.")


# --- the points ledger (推进积分化) ----------------------------------------------------------------------------
class PointsListView(ScopedListView):
    model = PointsEntry
    filterset_class = PointsFilterSet
    template_name = "governance/points_list.html"
    sort_fields = ["created_at", "points", "subject"]
    default_sort = "-created_at"
    export_name = "points"
    export_columns = [
        (_("Community"), "area.name"), (_("Subject type"), "get_subject_kind_display"), (_("Subject"), "subject"),
        (_("Points"), "points"), (_("Event"), lambda e: str(dict(POINTS_EVENTS).get(e.event, e.event))), (_("Matter"), "matter.ref"), (_("Time"), "created_at"),
    ]

    def base_queryset(self):
        return PointsEntry.objects.select_related("area", "matter")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        labels = dict(POINTS_EVENTS)
        for entry in ctx["object_list"]:
            entry.event_label = labels.get(entry.event, entry.event)
        return ctx


# --- rosters: the two committees and the supervision committee ------------------------------------------------
class BodyMemberListView(ScopedListView):
    model = BodyMember
    filterset_class = BodyMemberFilterSet
    template_name = "governance/bodymember_list.html"
    sort_fields = ["name", "term_start"]
    default_sort = None
    export_name = "body-members"
    export_columns = [
        (_("Community"), "area.name"), (_("Body"), "get_capacity_display"), (_("Name"), "name"),
        (_("Role"), "get_role_display"), (_("Term start"), "term_start"), (_("Term end"), "term_end"),
    ]

    def base_queryset(self):
        return BodyMember.objects.select_related("area")


class BodyMemberDetailView(ScopedDetailView):
    model = BodyMember
    template_name = "governance/bodymember_detail.html"
    context_object_name = "member"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return BodyMember.objects.select_related("area", "relative_of")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reviews"] = list(self.object.reviews.all())
        return ctx


class BodyMemberCreateView(ScopedCreateView):
    model = BodyMember
    form_class = forms.BodyMemberForm
    title = _("Seat a member")
    submit_label = _("Seat the member")
    success_message = _("The member is seated.")

    def get_initial(self):
        return {"capacity": self.request.GET.get("capacity", ""), "area": self.request.GET.get("area", "")}

    def perform(self, form):
        return services.add_body_member(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("governance:community-bodies", args=[result.area.code])


# --- community settings (rosters' sizes, 一肩挑) ------------------------------------------------------------------
class CommunitySettingListView(ScopedListView):
    model = CommunitySetting
    filterset_class = CommunitySettingFilterSet
    template_name = "governance/setting_list.html"
    export_name = "community-settings"
    export_columns = [
        (_("Community"), "area.name"), (_("Adult residents"), "adults"), (_("Households"), "households"),
        (_("Representatives"), "representatives"), (_("Party members"), "party_members"),
        (_("Members of the two committees"), "committee_members"),
        (_("Secretary is also director (一肩挑)"), "secretary_is_director"),
    ]

    def base_queryset(self):
        return CommunitySetting.objects.select_related("area").order_by("area__code")


class CommunitySettingCreateView(ScopedCreateView):
    model = CommunitySetting
    form_class = forms.SettingForm
    title = _("Record a community's settings")
    success_message = _("The settings are recorded.")

    def get_initial(self):
        return {"area": self.request.GET.get("area", "")}

    def perform(self, form):
        return services.create_community_setting(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("governance:community-bodies", args=[result.area.code])


class CommunitySettingUpdateView(ScopedUpdateView):
    model = CommunitySetting
    form_class = forms.SettingFieldsForm
    success_message = _("The settings are saved.")

    def get_title(self):
        return _("Settings of %(community)s") % {"community": self.object.area.name}

    def perform(self, obj, form):
        return services.update_community_setting(actor=self.request.user, setting=obj, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("governance:community-bodies", args=[result.area.code])


# --- each community's bodies, and which communities have a supervision committee -------------------------------
def _current(today):
    return Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))


def supervision_coverage(user):
    """The communities/villages in the user's areas, each with its members of the supervision committee
    in office today (0: it has none)."""
    from core.querysets import within_scope_of

    today = timezone.localdate()
    members = BodyMember.objects.filter(_current(today), capacity=Capacity.SUPERVISION_COMMITTEE)
    counts = dict(members.values("area_id").annotate(n=Count("id")).values_list("area_id", "n"))
    communities = within_scope_of("governance.view_bodymember", "code")(
        Area.objects.filter(level=AreaLevel.COMMUNITY).valid_on(today), user).select_related("parent")
    return [(area, counts.get(area.pk, 0)) for area in communities.order_by("code")]


class SupervisionCoverageView(BodyMemberListView):
    """Which communities/villages of the user's areas have a supervision committee (村(居)务监督委员会)."""

    template_name = "governance/supervision_coverage.html"
    export_columns = []

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = supervision_coverage(self.request.user)
        q = (self.request.GET.get("name") or "").strip()
        ctx["rows"] = [r for r in rows if q in r[0].name] if q else rows
        ctx["name"] = q
        ctx["with_committee"] = sum(1 for _a, n in rows if n)
        ctx["total"] = len(rows)
        return ctx


class CommunityBodiesView(ScopedListView):
    """One community's bodies: its settings (一肩挑), the two committees and whether it has a supervision
    committee. Outside the user's areas the community does not exist (404)."""

    model = BodyMember
    filterset_class = BodyMemberFilterSet
    template_name = "governance/community_bodies.html"
    paginate_by = None

    def get(self, request, *args, **kwargs):
        from core.querysets import within_scope_of

        self.area = within_scope_of("governance.view_bodymember", "code")(
            Area.objects.filter(level=AreaLevel.COMMUNITY, code=kwargs["code"]), request.user).first()
        if self.area is None:
            raise Http404(_("No such record."))
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return BodyMember.objects.filter(area=self.area).select_related("area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        members = list(self.get_queryset().order_by("capacity", "-term_start", "name"))
        current = [m for m in members if m.active_on(today)]
        user = self.request.user
        ctx.update(
            area=self.area,
            setting=CommunitySetting.objects.restrict(user, "view").filter(area=self.area).first(),
            committee=[m for m in current if m.capacity == Capacity.TWO_COMMITTEES],
            supervisors=[m for m in current if m.capacity == Capacity.SUPERVISION_COMMITTEE],
            former=[m for m in members if not m.active_on(today)],
            can_add=scope_for(user).covers("governance.add_bodymember", self.area.code),
            can_change_setting=scope_for(user).covers("governance.change_communitysetting", self.area.code),
        )
        return ctx


urlpatterns = [
    path("governance/cadre-reviews/", CadreReviewListView.as_view(), name="cadrereview-list"),
    path("governance/cadre-reviews/new/", CadreReviewCreateView.as_view(), name="cadrereview-create"),
    path("governance/cadre-reviews/<int:pk>/", CadreReviewDetailView.as_view(), name="cadrereview-detail"),
    path("governance/cadre-reviews/<int:pk>/rate/", CadreRateView.as_view(), name="cadrereview-rate"),
    path("governance/cadre-reviews/<int:pk>/conclude/", CadreConcludeView.as_view(), name="cadrereview-conclude"),
    path("governance/points/", PointsListView.as_view(), name="points-list"),
    path("governance/members/", BodyMemberListView.as_view(), name="member-list"),
    path("governance/members/new/", BodyMemberCreateView.as_view(), name="member-create"),
    path("governance/members/<int:pk>/", BodyMemberDetailView.as_view(), name="member-detail"),
    path("governance/settings/", CommunitySettingListView.as_view(), name="setting-list"),
    path("governance/settings/new/", CommunitySettingCreateView.as_view(), name="setting-create"),
    path("governance/settings/<int:pk>/edit/", CommunitySettingUpdateView.as_view(), name="setting-update"),
    path("governance/supervision-committees/", SupervisionCoverageView.as_view(), name="supervision-coverage"),
    path("governance/communities/<str:code>/", CommunityBodiesView.as_view(), name="community-bodies"),
]
