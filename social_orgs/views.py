"""Pages of the social-organisations app: the registry list and an organisation's page with the
steps of its life (each refusal shown beside the kept input), the credit lists with each entry's
way out, the name-approval form, and the public pages (index and the two lists)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import AreaLevel
from core.exceptions import NoPermission, TransitionRefused
from core.generic import ScopedActionView, ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from core.models import Area
from core.scope import scope_for

from . import forms, rules, selectors, services
from .choices import CHANGEABLE_LABELS, ListingStatus, ListType, OrgStatus, OrgType
from .filtersets import (
    CentreFilterSet,
    FeeInspectionFilterSet,
    InspectionFilterSet,
    ListingFilterSet,
    LotteryFundFilterSet,
    OrganisationFilterSet,
    PlanFilterSet,
    VentureFilterSet,
)
from .models import (
    AnnualReport,
    CreditListing,
    Incubation,
    IncubationCentre,
    Inspection,
    InspectionPlan,
    LotteryFund,
    Organisation,
    VentureApplication,
)


def _error_text(exc) -> list[str]:
    if isinstance(exc, TransitionRefused):
        return [str(exc.reason)]
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


class OrganisationListView(ScopedListView):
    model = Organisation
    filterset_class = OrganisationFilterSet
    template_name = "social_orgs/org_list.html"
    sort_fields = ["name", "founded_on", "status"]
    default_sort = "name"
    export_name = "social-organisations"
    export_columns = [
        (gettext_lazy("Organisation name"), "name"), (gettext_lazy("Unified social credit code"), "uscc"),
        (gettext_lazy("Type"), "get_org_type_display"), (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Registration authority"), "get_registration_level_display"), (gettext_lazy("Area"), "area.name"),
        (gettext_lazy("Sponsor unit (业务主管单位)"), "sponsor_unit"), (gettext_lazy("Legal representative"), "legal_rep_name"),
        (gettext_lazy("Establishment registered on"), "founded_on"), (gettext_lazy("Status"), "get_status_display"),
    ]

    def base_queryset(self):
        return Organisation.objects.select_related("area").defer("legal_rep_id_number", "legal_rep_id_number_index")


def _actions_for(org) -> list[str]:
    steps = {
        OrgStatus.NAME_APPROVED: ["preparation"] if org.org_type == OrgType.GROUP else ["establish"],
        OrgStatus.PREPARING: ["establish"],
        OrgStatus.ACTIVE: ["report", "activity", "party_forwarded", "list", "change", "deregister", "revoke"],
        OrgStatus.CHANGING: ["decide_change", "report", "list", "revoke"],
    }
    return steps.get(org.status, [])


ACTION_LABELS = {
    "preparation": gettext_lazy("Start preparation (筹备)"), "establish": gettext_lazy("Register establishment"),
    "report": gettext_lazy("Record an annual report"), "sponsor_opinion": gettext_lazy("Enter the sponsor's opinion"),
    "grade_report": gettext_lazy("Grade an annual report"), "activity": gettext_lazy("Record an activity"),
    "list": gettext_lazy("Enter on a credit list"),
    "party_forwarded": gettext_lazy("Party-building documents forwarded"), "change": gettext_lazy("Apply for a change"),
    "decide_change": gettext_lazy("Decide on the change"), "deregister": gettext_lazy("Deregister"),
    "revoke": gettext_lazy("Revoke the registration"),
}


def _today():
    return timezone.localdate()


def _form(what, org, data=None):
    cls = ORG_ACTIONS[what][0]
    form = cls(data, initial={"on": _today(), "founded_on": _today(), "submitted_on": _today(),
                              "year": _today().year - 1})
    if "report" in form.fields:
        form.fields["report"].queryset = AnnualReport.objects.filter(organisation=org)
    return forms.style(form)


def _org_context(request, org, failed=None):
    today = _today()
    available = _actions_for(org)
    if org.status in (OrgStatus.ACTIVE, OrgStatus.CHANGING) and org.annual_reports.exists():
        available += ["sponsor_opinion", "grade_report"]
    action_forms = []
    for what in available:
        form = failed[1] if failed and failed[0] == what else _form(what, org)
        action_forms.append({"what": what, "label": ACTION_LABELS[what], "form": form,
                             "open": bool(failed and failed[0] == what)})
    listings = list(org.listings.all())
    for listing in listings:
        listing.roadmap = rules.exit_roadmap(listing, today)
    return {
        "org": org, "history": org.status_changes.select_related("decided_by"),
        "pending": [(dict(CHANGEABLE_LABELS).get(k, k), v) for k, v in org.pending_changes.items()],
        "reports": selectors.report_rows(org, today), "listings": listings,
        "proposals": org.revocation_proposals.all(), "evaluations": org.evaluations.all(),
        "inspections": org.inspections.all(), "action_forms": action_forms,
        "can_change": scope_for(request.user).covers("social_orgs.change_organisation", org.area.code),
    }


class OrganisationDetailView(ScopedDetailView):
    model = Organisation
    template_name = "social_orgs/org_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "org"

    def base_queryset(self):
        return Organisation.objects.select_related("area", "parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_org_context(self.request, self.object))
        return ctx


def _establish(actor, org, d):
    return services.establish(actor=actor, org=org, uscc=d["uscc"], founded_on=d["founded_on"],
                              party_commitment=d["party_commitment"], party_members=d["party_members"] or 0,
                              legal_rep_id_number=d["legal_rep_id_number"], on_behalf_of=d["on_behalf_of"])


ORG_ACTIONS = {
    "preparation": (forms.DateStepForm, lambda a, o, d: services.start_preparation(
        actor=a, org=o, on=d["on"], on_behalf_of=d["on_behalf_of"])),
    "establish": (forms.EstablishForm, _establish),
    "report": (forms.ReportForm, lambda a, o, d: services.file_annual_report(
        actor=a, org=o, year=d["year"], submitted_on=d["submitted_on"], sponsor_submitted_on=d["sponsor_submitted_on"],
        audit_report=d["audit_report"], charter_party_clause=d["charter_party_clause"])),
    "sponsor_opinion": (forms.SponsorOpinionForm, lambda a, o, d: services.record_sponsor_opinion(
        actor=a, report=d["report"], opinion=d["opinion"], note=d["note"], on_behalf_of=d["on_behalf_of"])),
    "grade_report": (forms.GradeReportForm, lambda a, o, d: services.grade_report(
        actor=a, report=d["report"], result=d["result"], reason=d["reason"])),
    "party_forwarded": (forms.PartyForwardForm, lambda a, o, d: services.forward_party_documents(
        actor=a, org=o, on=d["on"])),
    "activity": (forms.ActivityForm, lambda a, o, d: services.record_activity(actor=a, org=o, on=d["on"], what=d["what"])),
    "list": (forms.ListForm, lambda a, o, d: services.list_organisation(
        actor=a, org=o, reason=d["reason"], on=d["on"], reason_text=d["reason_text"], basis_ref=d["basis_ref"],
        on_behalf_of=d["on_behalf_of"])),
    "change": (forms.ChangeForm, lambda a, o, d: services.apply_for_change(
        actor=a, org=o, changes={d["field"]: d["value"]}, on=d["on"])),
    "decide_change": (forms.DecideChangeForm, lambda a, o, d: services.decide_change(
        actor=a, org=o, approve=d["approve"], on=d["on"], reason=d["reason"], on_behalf_of=d["on_behalf_of"])),
    "deregister": (forms.DeregisterForm, lambda a, o, d: services.deregister(actor=a, org=o, on=d["on"], reason=d["reason"])),
    "revoke": (forms.RevokeForm, lambda a, o, d: services.revoke(
        actor=a, org=o, ground=d["ground"], on=d["on"], reason=d["reason"], on_behalf_of=d["on_behalf_of"])),
}


class _StepOnRecordPage(ScopedActionView):
    """A step posted from the forms on a record's page (``steps``: what -> (form, call)): the record
    as the user sees it or 404 first, then the step's permission somewhere (403); the service checks
    the record against the user's areas. A refusal shows the record's page again, the step's form
    open with the input kept and the reasons above it (400); success returns to the record's page."""

    http_method_names = ["post"]
    scope_action = "view"
    change_perm = ""
    steps: dict = {}
    labels: dict = {}
    page_template = ""

    def post(self, request, *args, **kwargs):
        if kwargs["what"] not in self.steps:
            raise Http404
        self.object = self.get_object()  # 404 first
        if not scope_for(request.user).has_perm_somewhere(self.change_perm):
            raise NoPermission(_("You do not have permission to do this."))
        form = self.get_form()
        return self.submit(form, lambda: self.perform(self.object, form))

    def perform(self, obj, form):
        try:
            return self.steps[self.kwargs["what"]][1](self.request.user, obj, form.cleaned_data)
        except (ValidationError, TransitionRefused) as exc:
            self.reasons = _error_text(exc)
            raise

    def page_context(self, failed):
        raise NotImplementedError

    def render_form(self, form, refusal=(), status=200):
        from django.forms.utils import ErrorDict

        reasons = getattr(self, "reasons", None)
        if reasons is not None:  # the service's reasons above the form, as the page has always shown them
            form._errors = ErrorDict()
            for message in reasons:
                form.add_error(None, message)
        self.object.refresh_from_db()
        return render(self.request, self.page_template, self.page_context((self.kwargs["what"], form)),
                      status=403 if status == 403 else 400)

    def get_success_url(self, result):
        return self.object.get_absolute_url()

    def succeeded(self, result):
        messages.success(self.request, _("Recorded: %(step)s.") % {"step": self.labels[self.kwargs["what"]]})
        return super().succeeded(result)


class OrganisationStepView(_StepOnRecordPage):
    """One step of an organisation's life (ORG_ACTIONS)."""

    model = Organisation
    change_perm = "social_orgs.change_organisation"
    steps = ORG_ACTIONS
    labels = ACTION_LABELS
    page_template = "social_orgs/org_detail.html"

    def base_queryset(self):
        return Organisation.objects.select_related("area")

    def get_form(self):
        return _form(self.kwargs["what"], self.object, self.request.POST)

    def page_context(self, failed):
        return _org_context(self.request, self.object, failed=failed)


class OrganisationCreateView(ScopedCreateView):
    """名称核准: the first record of a new organisation, in an area the user may see at the levels an
    authority registers (city, district/county; a community for a community social organisation)."""

    model = Organisation
    form_class = forms.NameApprovalForm
    title = gettext_lazy("Name approval (名称核准)")

    def get_form(self):
        form = super().get_form()
        form.fields["area"].queryset = Area.objects.restrict(self.request.user, "view").filter(
            level__in=[AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.COMMUNITY]).order_by("code")
        return forms.style(form)

    def perform(self, form):
        return services.approve_name(actor=self.request.user, **form.cleaned_data)

    def succeeded(self, result):
        messages.success(self.request, _("Name approved: %(name)s.") % {"name": result.name})
        return super().succeeded(result)


class ListingListView(ScopedListView):
    model = CreditListing
    filterset_class = ListingFilterSet
    template_name = "social_orgs/listing_list.html"
    sort_fields = ["listed_on", "escalates_on"]
    default_sort = "-listed_on"
    export_name = "credit-lists"
    export_columns = [
        (gettext_lazy("Social organisation"), "organisation.name"), (gettext_lazy("Unified social credit code"), "organisation.uscc"),
        (gettext_lazy("List"), "get_list_type_display"), (gettext_lazy("Ground"), "get_reason_display"),
        (gettext_lazy("Facts"), "reason_text"), (gettext_lazy("Listed on"), "listed_on"),
        (gettext_lazy("Moves to the serious list on"), "escalates_on"),
        (gettext_lazy("Leaves automatically on"), "auto_exit_on"),
        (gettext_lazy("Earliest exit on application"), "earliest_exit_on"),
        (gettext_lazy("Status"), "get_status_display"), (gettext_lazy("Left on"), "exited_on"),
    ]

    def base_queryset(self):
        return CreditListing.objects.select_related("organisation")


def _listing_context(request, listing, failed=None):
    listing.roadmap = rules.exit_roadmap(listing, _today())
    action_forms = []
    if listing.status == ListingStatus.LISTED:
        for what, label in LISTING_LABELS.items():
            if what == "verify" and not (listing.list_type == ListType.ABNORMAL and listing.rectifiable):
                continue
            form = failed[1] if failed and failed[0] == what else forms.style(
                LISTING_ACTIONS[what][0](initial={"on": _today()}))
            action_forms.append({"what": what, "label": label, "form": form, "open": bool(failed and failed[0] == what)})
    return {"listing": listing, "org": listing.organisation, "action_forms": action_forms}


class ListingDetailView(ScopedDetailView):
    model = CreditListing
    template_name = "social_orgs/listing_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "listing"

    def base_queryset(self):
        return CreditListing.objects.select_related("organisation__area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_listing_context(self.request, self.object))
        return ctx


LISTING_LABELS = {"verify": gettext_lazy("Record the verified rectification"),
                  "remove": gettext_lazy("Remove from the list")}
LISTING_ACTIONS = {
    "verify": (forms.VerifyForm, lambda a, x, d: services.verify_rectification(actor=a, listing=x, on=d["on"],
                                                                               note=d["note"])),
    "remove": (forms.RemoveForm, lambda a, x, d: services.remove_listing(actor=a, listing=x, on=d["on"], note=d["note"],
                                                                         correction=d["correction"])),
}


class ListingStepView(_StepOnRecordPage):
    """Verify a rectification or remove a listing (LISTING_ACTIONS)."""

    model = CreditListing
    change_perm = "social_orgs.change_creditlisting"
    steps = LISTING_ACTIONS
    labels = LISTING_LABELS
    page_template = "social_orgs/listing_detail.html"

    def base_queryset(self):
        return CreditListing.objects.select_related("organisation__area")

    def get_form(self):
        return forms.style(LISTING_ACTIONS[self.kwargs["what"]][0](self.request.POST))

    def page_context(self, failed):
        return _listing_context(self.request, self.object, failed)


# --- public pages (公开): no personal data, only what the lists publish -------------------------------
def public_index(request):
    return render(request, "social_orgs/public_index.html", {"counts": selectors.public_counts(),
                                                             "plans": selectors.public_plans()})


def public_directory(request):
    """The purchase directory of a year (?year=, default the latest built): included organisations
    with their grade."""
    years = selectors.directory_years()
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        raise Http404
    return render(request, "social_orgs/public_directory.html", {
        "year": year, "years": years, "entries": selectors.public_directory(year)})


def public_grades(request):
    """The grades (1A–5A) valid today, each organisation's latest, best first (?grade=1..5 for one): names,
    codes and dates only."""
    from .choices import Grade

    grade = request.GET.get("grade", "")
    if grade and grade not in {str(g) for g in Grade.values}:
        raise Http404
    return render(request, "social_orgs/public_grades.html", {
        "grades": Grade.choices, "grade": int(grade) if grade else None,
        "rows": selectors.public_grades(timezone.localdate(), int(grade) if grade else None)})


def public_draw(request, pk):
    """A plan's published pools, hashes, seed and draw; ``?seed=`` replays the draw for anyone."""
    plan = selectors.public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404
    seed = request.GET.get("seed", "").strip()[:200]
    replay = services.replay_matches(plan, seed) if seed and plan.draw else None
    names = dict(Organisation.objects.filter(pk__in=[r["organisation"] for r in plan.draw]).values_list("pk", "name"))
    results = {i.organisation_id: i for i in plan.inspections.filter(published=True)}
    rows = [{**r, "name": names.get(r["organisation"], ""), "result": results.get(r["organisation"])}
            for r in plan.draw]
    return render(request, "social_orgs/public_draw.html", {"plan": plan, "rows": rows, "seed": seed,
                                                            "replay": replay})


def public_list(request, list_type):
    if list_type not in ListType.values:
        raise Http404
    listings = list(selectors.public_listings(list_type)[:2000])
    today = _today()
    for listing in listings:
        listing.roadmap = rules.exit_roadmap(listing, today)
    return render(request, "social_orgs/public_list.html", {
        "listings": listings, "list_type": list_type, "title": ListType(list_type).label})


# --- random-inspection plans and their results (双随机一公开), staff side ----------------------------


class PlanListView(ScopedListView):
    model = InspectionPlan
    filterset_class = PlanFilterSet
    template_name = "social_orgs/plan_list.html"
    sort_fields = ["year", "status"]
    default_sort = "-year"
    export_name = "random-inspection-plans"
    export_columns = [
        (gettext_lazy("Year"), "year"), (gettext_lazy("Area"), "area.name"), (gettext_lazy("Level"), "get_level_display"),
        (gettext_lazy("minimum ratio (%)"), "min_ratio_pct"), (gettext_lazy("organisations to draw"), "sample_size"),
        (gettext_lazy("hash of the pools and items"), "pools_hash"), (gettext_lazy("published seed"), "seed"),
        (gettext_lazy("Status"), "get_status_display"),
    ]

    def base_queryset(self):
        return InspectionPlan.objects.select_related("area").defer("org_pool", "inspector_pool", "draw")


class PlanCreateView(ScopedCreateView):
    model = InspectionPlan
    form_class = forms.PlanForm
    title = gettext_lazy("New random-inspection plan")
    submit_label = gettext_lazy("Freeze the pools")
    success_message = gettext_lazy("The pools are frozen; publish their hash before the draw.")

    def get_initial(self):
        return {"year": _today().year, "level": "county"}

    def perform(self, form):
        return services.create_plan(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("social_orgs:plan-detail", args=[result.pk])


def _plan_rows(plan):
    names = dict(Organisation.objects.filter(pk__in=[r["organisation"] for r in plan.draw]).values_list("pk", "name"))
    results = {i.organisation_id: i for i in plan.inspections.all()}
    return [{**r, "name": names.get(r["organisation"], ""), "result": results.get(r["organisation"])}
            for r in plan.draw]


class PlanDetailView(ScopedDetailView):
    model = InspectionPlan
    template_name = "social_orgs/plan_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "plan"

    def base_queryset(self):
        return InspectionPlan.objects.select_related("area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        rows = _plan_rows(plan)
        ctx.update(rows=rows, seed_form=forms.style(forms.SeedForm()), can_change=scope_for(self.request.user).covers(
            "social_orgs.change_inspectionplan", plan.area.code))
        pending = [r for r in rows if r["result"] is None]
        if pending:
            ctx["result_form"] = _result_form(plan, pending)
        return ctx


def _result_form(plan, rows, data=None):
    form = forms.DrawResultForm(data, initial={"inspected_on": _today(), "published": True})
    form.fields["organisation"].choices = [(r["organisation"], f'{r["name"]} · {"、".join(r["inspectors"])}')
                                           for r in rows]
    return forms.style(form)


class _PlanStaffUrl:
    def get_success_url(self, result):
        return reverse("social_orgs:plan-detail", args=[self.object.pk])


class PlanDrawView(_PlanStaffUrl, ScopedActionView):
    """The draw, from the published seed (once; replays are public)."""

    model = InspectionPlan
    form_class = forms.SeedForm
    service = services.draw_plan
    object_arg = "plan"
    title = gettext_lazy("Draw from the published seed")
    submit_label = gettext_lazy("Draw")
    success_message = gettext_lazy("Drawn. Anyone can replay the draw on its public page.")


class PlanResultView(_PlanStaffUrl, ScopedActionView):
    """The result of inspecting one drawn organisation, for the inspectors the draw assigned."""

    model = InspectionPlan
    service = services.record_draw_result
    object_arg = "plan"
    title = gettext_lazy("Record an inspection result")
    success_message = gettext_lazy("Result recorded.")

    def get_form(self):
        rows = [r for r in _plan_rows(self.object) if r["result"] is None] or _plan_rows(self.object)
        return _result_form(self.object, rows, self.request.POST if self.request.method == "POST" else None)


class InspectionListView(ScopedListView):
    """Random and fee inspections with their findings, deadlines and refunds."""

    model = Inspection
    filterset_class = InspectionFilterSet
    template_name = "social_orgs/inspection_list.html"
    sort_fields = ["inspected_on", "rectification_deadline"]
    default_sort = "-inspected_on"
    export_name = "inspections"
    export_columns = [
        (gettext_lazy("Social organisation"), "organisation.name"),
        (gettext_lazy("Unified social credit code"), "organisation.uscc"),
        (gettext_lazy("Kind"), "get_kind_display"), (gettext_lazy("Inspection method"), "get_method_display"),
        (gettext_lazy("Inspected on"), "inspected_on"), (gettext_lazy("inspectors"), "inspectors"),
        (gettext_lazy("Inspection findings"), "findings"), (gettext_lazy("Rectify by"), "rectification_deadline"),
        (gettext_lazy("fees refunded (yuan)"), "refund_yuan"),
    ]

    def base_queryset(self):
        return Inspection.objects.select_related("organisation")


# --- venture-philanthropy projects (公益创投) --------------------------------------------------------
class VentureListView(ScopedListView):
    model = VentureApplication
    filterset_class = VentureFilterSet
    template_name = "social_orgs/venture_list.html"
    sort_fields = ["applied_on", "review_score"]
    default_sort = "-applied_on"
    export_name = "venture-projects"
    export_columns = [
        (gettext_lazy("Venture-philanthropy round"), "venture_round.title"), (gettext_lazy("Project"), "title"),
        (gettext_lazy("Applicant"), "applicant"), (gettext_lazy("Host organisation (依托单位)"), "host.name"),
        (gettext_lazy("Requested (yuan)"), "requested"), (gettext_lazy("Review score"), "review_score"),
        (gettext_lazy("Status"), "get_status_display"), (gettext_lazy("Amount granted (yuan)"), "grant.amount"),
        (gettext_lazy("Mid-term grade"), "get_midterm_grade_display"),
        (gettext_lazy("Final grade"), "get_final_grade_display"),
    ]

    def base_queryset(self):
        return VentureApplication.objects.select_related("venture_round", "organisation", "host", "grant")


class VentureCreateView(ScopedCreateView):
    model = VentureApplication
    form_class = forms.ApplicationForm
    title = gettext_lazy("New venture-philanthropy application")
    success_message = gettext_lazy("Application recorded.")

    def get_initial(self):
        return {"applied_on": _today()}

    def perform(self, form):
        return services.apply_for_venture(actor=self.request.user, **form.cleaned_data)


VENTURE_STEPS = {
    "review": (forms.ReviewForm, services.review_application, gettext_lazy("Enter the review score")),
    "decide": (forms.DecideApplicationForm, services.decide_application, gettext_lazy("Decide on the grant")),
    "tranche": (forms.TrancheForm, services.pay_tranche, gettext_lazy("Pay a tranche")),
    "grade": (forms.ProjectGradeForm, services.grade_project, gettext_lazy("Record an evaluation")),
}


def _venture_steps(application):
    from .choices import ApplicationStatus

    if application.status == ApplicationStatus.APPLIED:
        return ["review", "decide"]
    if application.status == ApplicationStatus.APPROVED:
        return ["tranche", "grade"]
    return []


class VentureDetailView(ScopedDetailView):
    model = VentureApplication
    template_name = "social_orgs/venture_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "application"

    def base_queryset(self):
        return VentureApplication.objects.select_related("venture_round", "organisation", "host", "grant", "area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        app = self.object
        ctx["tranches"] = list(app.tranches.all())
        ctx["paid"] = sum(t.amount for t in ctx["tranches"])
        ctx["action_forms"] = [
            {"what": what, "label": VENTURE_STEPS[what][2], "open": False,
             "form": forms.style(VENTURE_STEPS[what][0](initial={"on": _today(), "paid_on": _today(),
                                                                  "amount": app.requested if what == "decide" else None}))}
            for what in _venture_steps(app)]
        return ctx


class VentureStepView(ScopedActionView):
    """One step of a project: review, decision, tranche, evaluation (the refusal beside the kept input)."""

    model = VentureApplication
    object_arg = "application"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and kwargs.get("what") not in VENTURE_STEPS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return VENTURE_STEPS[self.kwargs["what"]][0]

    def get_form(self):
        return forms.style(super().get_form())

    def get_title(self):
        return f"{self.object} · {VENTURE_STEPS[self.kwargs['what']][2]}"

    def perform(self, obj, form):
        return VENTURE_STEPS[self.kwargs["what"]][1](actor=self.request.user, application=obj, **form.cleaned_data)

    def get_success_url(self, result):
        return self.object.get_absolute_url()


# --- fee inspections of industry associations (涉企收费检查) -----------------------------------------
class FeeInspectionListView(ScopedListView):
    """The fee inspections: who was checked, what was found, refunds and rectification."""

    model = Inspection
    filterset_class = FeeInspectionFilterSet
    template_name = "social_orgs/fee_list.html"
    sort_fields = ["inspected_on", "refund_yuan"]
    default_sort = "-inspected_on"
    export_name = "fee-inspections"
    export_columns = [
        (gettext_lazy("Social organisation"), "organisation.name"),
        (gettext_lazy("Unified social credit code"), "organisation.uscc"),
        (gettext_lazy("Inspected on"), "inspected_on"), (gettext_lazy("Inspection method"), "get_method_display"),
        (gettext_lazy("inspectors"), "inspectors"), (gettext_lazy("Violation found"), "get_violation_display"),
        (gettext_lazy("Inspection findings"), "findings"), (gettext_lazy("fees refunded (yuan)"), "refund_yuan"),
        (gettext_lazy("Rectify by"), "rectification_deadline"),
        (gettext_lazy("Rectification verified on"), "rectified_on"),
    ]

    def base_queryset(self):
        from .choices import InspectionKind

        return Inspection.objects.filter(kind=InspectionKind.FEE).select_related("organisation")


class FeeInspectionDetailView(ScopedDetailView):
    model = Inspection
    template_name = "social_orgs/fee_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "inspection"

    def base_queryset(self):
        from .choices import InspectionKind

        return Inspection.objects.filter(kind=InspectionKind.FEE).select_related("organisation__area")


class FeeInspectionCreateView(ScopedCreateView):
    model = Inspection
    form_class = forms.FeeInspectionForm
    title = gettext_lazy("New fee inspection")
    success_message = gettext_lazy("Fee inspection recorded.")

    def get_initial(self):
        return {"inspected_on": _today(), "refund_yuan": 0, "published": True}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return services.record_fee_inspection(actor=self.request.user, org=d.pop("organisation"), **d)


class FeeInspectionUpdateView(ScopedUpdateView):
    model = Inspection
    form_class = forms.FeeUpdateForm
    success_message = gettext_lazy("Fee inspection updated.")

    def base_queryset(self):
        from .choices import InspectionKind

        return Inspection.objects.filter(kind=InspectionKind.FEE).select_related("organisation__area")

    def get_title(self):
        return _("Findings and rectification: %(org)s") % {"org": self.object.organisation.name}

    def perform(self, obj, form):
        return services.update_fee_inspection(actor=self.request.user, inspection=obj, **form.cleaned_data)


# --- welfare-lottery funds (福彩公益金) ----------------------------------------------------------------
class LotteryFundListView(ScopedListView):
    model = LotteryFund
    filterset_class = LotteryFundFilterSet
    template_name = "social_orgs/lottery_list.html"
    sort_fields = ["year", "amount"]
    default_sort = "-year"
    export_name = "welfare-lottery-funds"
    export_columns = [
        (gettext_lazy("Year"), "year"), (gettext_lazy("Area"), "area.name"), (gettext_lazy("Amount (yuan)"), "amount"),
        (gettext_lazy("Allocated (yuan)"), "allocated"), (gettext_lazy("Budget document"), "source_ref"),
    ]

    def base_queryset(self):
        from django.db.models import DecimalField, Sum, Value
        from django.db.models.functions import Coalesce

        return LotteryFund.objects.select_related("area").annotate(
            allocated=Coalesce(Sum("allocations__amount"), Value(0), output_field=DecimalField()))


class LotteryFundDetailView(ScopedDetailView):
    model = LotteryFund
    template_name = "social_orgs/lottery_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "fund"

    def base_queryset(self):
        return LotteryFund.objects.select_related("area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["allocations"] = list(self.object.allocations.select_related("organisation").order_by("granted_on", "pk"))
        ctx["allocated"] = sum(a.amount for a in ctx["allocations"])
        ctx["left"] = self.object.amount - ctx["allocated"]
        ctx["can_change"] = scope_for(self.request.user).covers("social_orgs.change_lotteryfund",
                                                                 self.object.area.code)
        return ctx


class LotteryFundCreateView(ScopedCreateView):
    model = LotteryFund
    form_class = forms.LotteryFundForm
    title = gettext_lazy("New year of welfare-lottery funds")
    success_message = gettext_lazy("Fund recorded.")

    def get_initial(self):
        return {"year": _today().year, "amount": 400000}

    def perform(self, form):
        return services.create_lottery_fund(actor=self.request.user, **form.cleaned_data)


class LotteryFundUpdateView(ScopedUpdateView):
    model = LotteryFund
    form_class = forms.LotteryFundUpdateForm
    success_message = gettext_lazy("Fund updated.")

    def get_title(self):
        return _("Welfare-lottery funds %(fund)s") % {"fund": self.object}

    def perform(self, obj, form):
        return services.update_lottery_fund(actor=self.request.user, fund=obj, **form.cleaned_data)


class LotteryAllocateView(ScopedActionView):
    """An allocation of the fund (what it pays for, to whom), refused beyond what is left."""

    model = LotteryFund
    form_class = forms.AllocationForm
    service = services.allocate_lottery_fund
    object_arg = "fund"
    success_message = gettext_lazy("Allocation recorded.")

    def get_initial(self):
        return {"granted_on": _today()}

    def get_title(self):
        return _("Allocate: welfare-lottery funds %(fund)s") % {"fund": self.object}

    def get_success_url(self, result):
        return self.object.get_absolute_url()


# --- incubation centres (孵化基地) ---------------------------------------------------------------------
class CentreListView(ScopedListView):
    model = IncubationCentre
    filterset_class = CentreFilterSet
    template_name = "social_orgs/centre_list.html"
    sort_fields = ["name", "opened_on"]
    default_sort = "name"
    export_name = "incubation-centres"
    export_columns = [
        (gettext_lazy("Name"), "name"), (gettext_lazy("Area"), "area.name"), (gettext_lazy("Operated by"), "operator.name"),
        (gettext_lazy("Space (m²)"), "space_sqm"), (gettext_lazy("Opened on"), "opened_on"),
        (gettext_lazy("Incubating"), "incubating"), (gettext_lazy("Graduated"), "graduated"),
    ]

    def base_queryset(self):
        from django.db.models import Count, Q

        from .choices import IncubationStatus

        return IncubationCentre.objects.select_related("area", "operator").annotate(
            incubating=Count("incubations", filter=Q(incubations__status=IncubationStatus.INCUBATING)),
            graduated=Count("incubations", filter=Q(incubations__status=IncubationStatus.GRADUATED)))


class CentreDetailView(ScopedDetailView):
    model = IncubationCentre
    template_name = "social_orgs/centre_detail.html"
    slug_url_kwarg = "pk"
    context_object_name = "centre"

    def base_queryset(self):
        return IncubationCentre.objects.select_related("area", "operator")

    def get_context_data(self, **kwargs):
        from .choices import IncubationStatus

        ctx = super().get_context_data(**kwargs)
        ctx["incubations"] = list(self.object.incubations.select_related("organisation"))
        ctx["space_used"] = sum(i.space_sqm for i in ctx["incubations"] if i.status == IncubationStatus.INCUBATING)
        ctx["can_change"] = scope_for(self.request.user).covers("social_orgs.change_incubationcentre",
                                                                 self.object.area.code)
        return ctx


class CentreCreateView(ScopedCreateView):
    model = IncubationCentre
    form_class = forms.CentreForm
    title = gettext_lazy("New incubation centre")
    success_message = gettext_lazy("Incubation centre recorded.")

    def get_initial(self):
        return {"opened_on": _today()}

    def perform(self, form):
        return services.create_centre(actor=self.request.user, **form.cleaned_data)


class CentreUpdateView(ScopedUpdateView):
    model = IncubationCentre
    form_class = forms.CentreForm
    success_message = gettext_lazy("Incubation centre updated.")

    def get_title(self):
        return str(self.object)

    def perform(self, obj, form):
        return services.update_centre(actor=self.request.user, centre=obj, **form.cleaned_data)


class CentreAdmitView(ScopedActionView):
    """An organisation starts its incubation term at the centre."""

    model = IncubationCentre
    form_class = forms.AdmitForm
    service = services.admit_to_centre
    object_arg = "centre"
    success_message = gettext_lazy("Incubation recorded.")

    def get_initial(self):
        return {"started_on": _today(), "space_sqm": 0}

    def get_title(self):
        return _("Admit to %(centre)s") % {"centre": self.object}

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class IncubationEndView(ScopedActionView):
    """The term ends: graduated or left before, with what happened."""

    model = Incubation
    form_class = forms.EndIncubationForm
    service = services.end_incubation
    object_arg = "incubation"
    success_message = gettext_lazy("Recorded.")

    def base_queryset(self):
        return Incubation.objects.select_related("centre", "organisation")

    def get_initial(self):
        return {"ended_on": _today()}

    def get_title(self):
        return _("End of incubation: %(org)s") % {"org": self.object}
