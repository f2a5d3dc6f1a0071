"""Pages of the child-care registry. Children's records are read-audited (core.readaudit): every
page, export and API read writes one audit event per request. Only child directors and supervisors
open records; officers and auditors see counts (the 排查汇总表) and, auditors, the access log."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import NoPermission, TransitionRefused
from core.generic import ScopedActionView, ScopedDetailView, ScopedListView, export_response
from core.models import Area
from core.readaudit import audit_read
from core.scope import scope_for

from . import selectors, services
from .filtersets import PersonFilterSet, ProposalFilterSet
from .forms import NoteForm, PersonForm, ReasonForm, RevealForm, SummaryForm, VisitForm, style
from .models import Person, Proposal, Visit


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(m for msgs in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
                         for m in msgs)
    return str(getattr(exc, "reason", exc))


def _require(user, perm):
    if not scope_for(user).has_perm_somewhere(perm):
        raise NoPermission(_("You do not have permission to see this page."))


def _scoped(model, user, pk, action="view"):
    obj = model.objects.restrict(user, action).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("No such record."))
    return obj


class PersonListView(ScopedListView):
    model = Person
    filterset_class = PersonFilterSet
    template_name = "child_care/person_list.html"
    sort_fields = ["name", "birth_date", "created_at"]
    default_sort = "-id"
    export_name = "child-care-registry"
    export_columns = [
        (gettext_lazy("Name"), "name"), (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Resident ID number"), lambda p: p.id_number_masked or ""),
        (gettext_lazy("Sex"), "sex"), (gettext_lazy("Birth date"), "birth_date"),
        (gettext_lazy("Village/community"), "area.name"), (gettext_lazy("Risk tier"), "get_risk_tier_display"),
        (gettext_lazy("Reporting stage"), "get_report_stage_display"),
    ]

    def base_queryset(self):
        # Lists show the stored masked copies; nothing is decrypted.
        return Person.objects.select_related("area").defer("id_number", "phone")


class PersonDetailView(ScopedDetailView):
    model = Person
    slug_url_kwarg = "pk"
    template_name = "child_care/person_detail.html"
    context_object_name = "person"

    def base_queryset(self):
        return Person.objects.select_related("area", "household", "entered_by", "reviewed_by", "submitted_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person, today = self.object, timezone.localdate()
        scope = scope_for(self.request.user)
        ctx.update(
            age=person.age_on(today), today=today,
            relatives=person.relatives.select_related("relative").defer("relative__id_number", "relative__phone"),
            categories=person.categories.order_by("-starts_on"), surveys=person.surveys.all()[:20],
            visits=person.visits.order_by("-due_on")[:20], proposals=person.proposals.all()[:20],
            reveal_form=RevealForm(), reason_form=ReasonForm(),
            can_review=scope.covers("child_care.review_report", person.area.code),
            can_submit=scope.covers("child_care.submit_report", person.area.code),
            can_delete=scope.covers("child_care.delete_person", person.area.code),
            revealed=self.kwargs.get("revealed"),
        )
        return ctx


@login_required
def person_create(request):
    _require(request.user, "child_care.add_person")
    form = PersonForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(actor=request.user, **form.cleaned_data)
        except (ValidationError, TransitionRefused) as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("Entered."))
            return redirect(person.get_absolute_url())
    return render(request, "child_care/person_form.html", {"form": form, "error": error},
                  status=400 if error or form.errors else 200)


@login_required
@require_POST
@never_cache
def person_action(request, pk, what):
    """review / submit / delete / reveal on one person: refused ones come back with their reason."""
    person = _scoped(Person, request.user, pk)
    try:
        if what == "review":
            services.review_entry(actor=request.user, person=person)
        elif what == "submit":
            services.submit_entry(actor=request.user, person=person)
        elif what == "delete":
            services.delete_person(actor=request.user, person=person, reason=request.POST.get("reason", ""))
        elif what == "reveal":
            form = RevealForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            plain = services.reveal(actor=request.user, person=person, field=form.cleaned_data["field"],
                                    reason=form.cleaned_data["reason"])
            view = PersonDetailView.as_view()
            request.method = "GET"
            return view(request, pk=pk, revealed={"field": form.cleaned_data["field"], "value": plain})
        else:
            raise Http404
    except (ValidationError, TransitionRefused) as exc:
        messages.error(request, _error_text(exc))
        return redirect(person.get_absolute_url())
    messages.success(request, _("Done."))
    return redirect(person.get_absolute_url())


class ProposalListView(ScopedListView):
    model = Proposal
    filterset_class = ProposalFilterSet
    template_name = "child_care/proposal_list.html"
    default_sort = "-id"
    export_name = "child-care-proposals"
    export_columns = [
        (gettext_lazy("Person"), "person"), (gettext_lazy("Rule"), "get_rule_display"),
        (gettext_lazy("Action"), "get_action_display"), (gettext_lazy("Category"), "get_category_display"),
        (gettext_lazy("Effective on"), "effective_on"), (gettext_lazy("Status"), "get_status_display"),
    ]

    def base_queryset(self):
        return Proposal.objects.select_related("person", "area", "confirmed_by", "decided_by")


@login_required
@require_POST
def proposal_action(request, pk, what):
    proposal = _scoped(Proposal, request.user, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    actions = {"confirm": services.confirm_proposal, "approve": services.approve_proposal,
               "reject": services.reject_proposal}
    if what not in actions:
        raise Http404
    try:
        actions[what](actor=request.user, proposal=proposal, note=note)
    except (ValidationError, TransitionRefused) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("child_care:proposal-list")


@login_required
@never_cache
def my_visits(request):
    """The child director's phone page: overdue visits and those due within 7 days."""
    _require(request.user, "child_care.view_visit")
    today = timezone.localdate()
    lists = selectors.due_lists(request.user, today)
    audit_read(request, lists["overdue"] + lists["due_soon"], "my visits (child_care:my-visits)", model=Visit)
    return render(request, "child_care/my_visits.html", {**lists, "today": today})


@login_required
@never_cache
def visit_record(request, pk):
    """Record a visit on a phone: findings in four parts and next steps; refusals beside the kept input."""
    visit = _scoped(Visit, request.user, pk)
    audit_read(request, visit, "visit record (child_care:visit-record)")
    if request.method == "POST":
        visit = _scoped(Visit, request.user, pk, "change")
    form = VisitForm(request.POST or None, initial={"done_on": timezone.localdate()})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(actor=request.user, visit=visit, **form.cleaned_data)
        except (ValidationError, TransitionRefused) as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("Visit recorded; the next one is planned."))
            return redirect("child_care:my-visits")
    return render(request, "child_care/visit_form.html", {"form": form, "visit": visit, "error": error},
                  status=400 if error or form.errors else 200)


@login_required
@never_cache
def summary(request):
    """排查汇总表: counts only, for whoever holds ``view_statistics`` over the area; drill-down by area."""
    _require(request.user, selectors.STATISTICS_PERMISSION)
    form = SummaryForm(request.GET or None)
    code = day = None
    if form.is_valid():
        code, day = form.cleaned_data.get("area"), form.cleaned_data.get("day")
    day = day or timezone.localdate() - datetime.timedelta(days=1)  # 统计时间：截止到昨天
    if code:
        area = Area.objects.filter(code=code).first()
    else:
        from core.selectors import top_areas

        tops = top_areas(request.user)
        area = tops[0] if tops else None
    if area is None or not selectors.may_see_counts(request.user, area):
        raise Http404(_("No such record."))
    data = selectors.summary(area, day)
    if request.GET.get("export") == "xlsx":
        from core.services import record_export

        header, rows = selectors.summary_table(data)
        record_export(actor=request.user, what="child-care-summary", count=len(rows), fmt="xlsx",
                      filters={"area": area.code, "day": str(day)})
        return export_response(header, rows, "xlsx", f"child-care-summary-{area.code}-{day:%Y%m%d}", title="summary")
    return render(request, "child_care/summary.html", {"data": data, "form": form, "area": area, "day": day})


@login_required
@never_cache
def access_log(request, pk):
    """Who looked at this person's record, when and why (auditors; the record itself stays closed)."""
    _require(request.user, "core.view_auditevent")
    person = Person.objects.select_related("area").filter(pk=pk).first()
    if person is None or not scope_for(request.user).covers("core.view_auditevent", person.area.code):
        raise Http404(_("No such record."))
    events = selectors.access_log_rows(selectors.access_log(person)[:500])
    return render(request, "child_care/access_log.html", {"person": person, "events": events})


# --- school-roster reconciliation (学籍比对) ----------------------------------------------------------
from django.db.models import Prefetch  # noqa: E402

from .filtersets import (  # noqa: E402
    ConsentFilterSet,
    RescueCaseFilterSet,
    RosterEntryFilterSet,
    RosterImportFilterSet,
)
from .forms import (  # noqa: E402
    AcceptForm,
    ConsentForm,
    DecisionForm,
    FollowUpForm,
    HandoverForm,
    RosterUploadForm,
    WithdrawForm,
)
from .models import Consent, FollowUp, RescueCase, RosterEntry, RosterImport  # noqa: E402


class RosterListView(ScopedListView):
    """The school rosters compared in the user's areas, with the upload form (supervisors)."""

    model = RosterImport
    filterset_class = RosterImportFilterSet
    template_name = "child_care/roster_list.html"
    default_sort = "-id"
    export_name = "child-care-rosters"
    export_columns = [
        (gettext_lazy("File"), "filename"), (gettext_lazy("Area"), "area.name"), (gettext_lazy("Rows"), "rows"),
        (gettext_lazy("Consistent"), lambda r: r.counts.get("consistent", "")),
        (gettext_lazy("Conflicting"), lambda r: r.counts.get("conflict", "")),
        (gettext_lazy("Not in school"), lambda r: r.counts.get("not_in_school", "")),
        (gettext_lazy("Unknown to us"), lambda r: r.counts.get("unknown", "")),
        (gettext_lazy("Uploaded"), "created_at"),
    ]

    def base_queryset(self):
        return RosterImport.objects.select_related("area", "uploaded_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_upload"] = scope_for(self.request.user).has_perm_somewhere("child_care.add_rosterimport")
        ctx["upload_form"] = kwargs.get("upload_form") or RosterUploadForm(user=self.request.user)
        return ctx


@login_required
@require_POST
def roster_upload(request):
    """Hand the roster to core's staged import (``child_care.imports.RosterImporter``): the file is kept
    encrypted and previewed, and the supervisor lands on the preview (bad cells by line and the file's own
    header) to confirm; the comparison then runs in the background, not in this request. A refused file
    (not a table, required columns missing) is shown beside the kept form."""
    from core.imports import services as imports

    from .imports import RosterImporter

    _require(request.user, "child_care.add_rosterimport")
    form = RosterUploadForm(request.POST, request.FILES, user=request.user)
    error = None
    if form.is_valid():
        try:
            job = imports.stage(actor=request.user, importer=RosterImporter, upload=form.cleaned_data["file"],
                                area=form.cleaned_data["area"])
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            return redirect(job.get_absolute_url())
    view = RosterListView.as_view()
    request.method = "GET"
    response = view(request)
    response.context_data.update(upload_form=form, upload_error=error or form.errors.as_text())
    response.status_code = 400
    return response


class RosterEntryListView(ScopedListView):
    """The comparison, bucket by bucket: what a person must decide, with the kept roster row beside the
    registered child (masked ID). Exportable; every row shown is a read of a child's record."""

    model = RosterEntry
    filterset_class = RosterEntryFilterSet
    template_name = "child_care/roster_entries.html"
    default_sort = "bucket"
    sort_fields = ["bucket", "line", "name"]
    export_name = "child-care-roster-comparison"
    export_columns = [
        (gettext_lazy("Result"), "get_bucket_display"), (gettext_lazy("Line"), "line"),
        (gettext_lazy("Name on the roster"), "name"),
        (gettext_lazy("Resident ID number"), lambda e: e.id_number_masked or ""),
        (gettext_lazy("Registered person"), lambda e: e.person.name if e.person_id else ""),
        (gettext_lazy("Matched on"), "get_match_display"), (gettext_lazy("Name similarity"), "name_score"),
        (gettext_lazy("Enrolment"), "get_enrolment_display"), (gettext_lazy("School"), "school"),
        (gettext_lazy("Village/community"), "area.name"), (gettext_lazy("Decision"), "get_decision_display"),
        (gettext_lazy("Note"), "note"),
    ]

    def base_queryset(self):
        return RosterEntry.objects.select_related("area", "person").defer("id_number", "person__id_number",
                                                                          "person__phone")


class _Step(ScopedActionView):
    """A step on one record on core's kit: out of scope 404 before anything else; a refusal comes back
    with its reason beside the kept input (400/409), on the kit's page."""

    def get_form(self):
        return style(super().get_form())

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class RosterDecideView(_Step):
    """A person decides a comparison: same child, not the same child, or checked with a note."""

    model = RosterEntry
    form_class = DecisionForm
    service = services.decide_roster_entry
    object_arg = "entry"
    title = gettext_lazy("Decide the roster comparison")
    submit_label = gettext_lazy("Decide")
    success_message = gettext_lazy("Done.")


# --- rescue-station follow-up (救助站跟踪回访) -------------------------------------------------------
class RescueListView(ScopedListView):
    model = RescueCase
    filterset_class = RescueCaseFilterSet
    template_name = "child_care/rescue_list.html"
    default_sort = "-id"
    export_name = "child-care-rescue-cases"
    export_columns = [
        (gettext_lazy("Child"), "person.name"), (gettext_lazy("Rescue station"), "station"),
        (gettext_lazy("Found on"), "found_on"), (gettext_lazy("Found again (屡救屡返)"), "repeat"),
        (gettext_lazy("Status"), "get_status_display"), (gettext_lazy("Acceptance receipt"), "receipt"),
        (gettext_lazy("Home village/community"), "area.name"),
    ]

    def base_queryset(self):
        return RescueCase.objects.select_related("area", "person").defer("person__id_number", "person__phone")


class RescueDetailView(ScopedDetailView):
    model = RescueCase
    slug_url_kwarg = "pk"
    template_name = "child_care/rescue_detail.html"
    context_object_name = "case"

    def base_queryset(self):
        return RescueCase.objects.select_related("area", "person", "handed_over_by", "accepted_by").prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("due_on", "id")))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        # The station's staff see the case, not the child's record, and the home village's director accepts.
        can_accept = RescueCase.objects.restrict(user, "change").filter(pk=self.object.pk).exists()
        can_open_child = Person.objects.restrict(user, "view").filter(pk=self.object.person_id).exists()
        ctx.update(accept_form=AcceptForm(), follow_up_form=FollowUpForm(initial={"done_on": timezone.localdate()}),
                   today=timezone.localdate(), error=self.kwargs.get("error"), can_accept=can_accept,
                   can_open_child=can_open_child)
        return ctx


@login_required
@never_cache
def rescue_create(request):
    """The station's handover slip: the child by ID number, the station, when and where found."""
    _require(request.user, "child_care.add_rescuecase")
    form = HandoverForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.hand_over_rescue(actor=request.user, **{k: v for k, v in form.cleaned_data.items()
                                                                    if k != "rescue_station" or v is not None})
        except (ValidationError, TransitionRefused) as exc:
            error = _error_text(exc)
        else:
            if case.repeat:
                messages.warning(request, _("This child was handed over before: flagged 屡救屡返."))
            messages.success(request, _("Handed over to the child director."))
            return redirect(case.get_absolute_url())
    return render(request, "child_care/simple_form.html",
                  {"form": form, "error": error, "title": _("Rescue station handover")},
                  status=400 if error or form.errors else 200)


class RescueAcceptView(_Step):
    """The home village's child director accepts the case; the follow-ups are scheduled."""

    model = RescueCase
    form_class = AcceptForm
    service = services.accept_rescue
    object_arg = "case"
    title = gettext_lazy("Accept the case")
    submit_label = gettext_lazy("Accept the case")
    success_message = gettext_lazy("Accepted; the follow-ups are scheduled.")


class FollowUpRecordView(_Step):
    """What a follow-up with the family, the school or the village committee found."""

    model = FollowUp
    form_class = FollowUpForm
    service = services.record_follow_up
    object_arg = "follow_up"
    title = gettext_lazy("Record a follow-up")
    submit_label = gettext_lazy("Record")
    success_message = gettext_lazy("Follow-up recorded.")

    def get_initial(self):
        return {"done_on": timezone.localdate()}


# --- consent ----------------------------------------------------------------------------------------
class ConsentListView(ScopedListView):
    model = Consent
    filterset_class = ConsentFilterSet
    template_name = "child_care/consent_list.html"
    default_sort = "expires_on"
    sort_fields = ["expires_on", "given_on"]
    export_name = "child-care-consents"
    export_columns = [
        (gettext_lazy("Child"), "person.name"), (gettext_lazy("Guardian who consented"), "guardian.name"),
        (gettext_lazy("Purpose"), "get_purpose_display"), (gettext_lazy("Given on"), "given_on"),
        (gettext_lazy("Expires on"), "expires_on"), (gettext_lazy("Withdrawn on"), "withdrawn_on"),
    ]

    def base_queryset(self):
        return Consent.objects.select_related("person", "guardian", "area").defer(
            "person__id_number", "person__phone", "guardian__id_number", "guardian__phone")


class ConsentCreateView(_Step):
    """Record a guardian's consent for a child (one of the guardians linked to the child): the child within
    the user's areas or 404, the form kept beside a refusal."""

    model = Person
    scope_action = "view"
    form_class = ConsentForm
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Consent recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(request.user, "child_care.add_consent")
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return Person.objects.select_related("area")

    def get_object(self):
        person = super().get_object()
        audit_read(self.request, person, "consent form (child_care:consent-create)")
        return person

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.object}

    def get_title(self):
        return _("Consent of %(child)s's guardian") % {"child": self.object.name}

    def perform(self, obj, form):
        return services.record_consent(actor=self.request.user, person=obj, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse_consents(self.object)


def reverse_consents(person):
    from django.urls import reverse

    return reverse("child_care:consent-list") + f"?person={person.pk}"


class ConsentWithdrawView(_Step):
    model = Consent
    form_class = WithdrawForm
    service = services.withdraw_consent
    object_arg = "consent"
    title = gettext_lazy("Withdraw the consent")
    submit_label = gettext_lazy("Withdraw")
    success_message = gettext_lazy("Consent withdrawn.")


# --- guardianship guidance (监护督促) -------------------------------------------------------------------
from core.generic import ScopedCreateView  # noqa: E402

from .filtersets import GuidanceFilterSet, OutreachFilterSet, TrainingFilterSet  # noqa: E402
from .forms import AttendanceForm, GuidanceForm, OutreachForm, TrainingForm  # noqa: E402
from .models import Guidance, Outreach, Training  # noqa: E402


class GuidanceListView(ScopedListView):
    model = Guidance
    filterset_class = GuidanceFilterSet
    template_name = "child_care/guidance_list.html"
    default_sort = "-done_on"
    sort_fields = ["done_on", "follow_up_on"]
    export_name = "child-care-guardianship-guidance"
    export_columns = [
        (gettext_lazy("Child"), "person.name"), (gettext_lazy("Guardian addressed"), "guardian.relative.name"),
        (gettext_lazy("Village committee member"), "member"), (gettext_lazy("Guided on"), "done_on"),
        (gettext_lazy("What was urged or guided"), "content"), (gettext_lazy("Follow up on"), "follow_up_on"),
    ]

    def base_queryset(self):
        return Guidance.objects.select_related("person", "guardian__relative", "area", "recorded_by").defer(
            "person__id_number", "person__phone", "guardian__relative__id_number", "guardian__relative__phone")


class GuidanceCreateView(_Step):
    """Record the village committee's guidance of one of the child's linked guardians: the child within the
    user's areas or 404; a guardian not linked to the child refused beside the kept input."""

    model = Person
    scope_action = "view"
    form_class = GuidanceForm
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Guidance recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(request.user, "child_care.add_guidance")
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return Person.objects.select_related("area")

    def get_object(self):
        person = super().get_object()
        audit_read(self.request, person, "guidance form (child_care:guidance-create)")
        return person

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.object}

    def get_initial(self):
        return {"done_on": timezone.localdate()}

    def get_title(self):
        return _("Guardianship guidance for %(child)s") % {"child": self.object.name}

    def perform(self, obj, form):
        from .models import Relationship

        data = dict(form.cleaned_data)
        data["guardian"] = Relationship.objects.filter(pk=data["guardian"]).first()
        return services.record_guidance(actor=self.request.user, person=obj, **data)

    def get_success_url(self, result):
        return result.get_absolute_url()


# --- policy outreach (政策宣讲进村(居)) -----------------------------------------------------------------
class OutreachListView(ScopedListView):
    model = Outreach
    filterset_class = OutreachFilterSet
    template_name = "child_care/outreach_list.html"
    default_sort = "-held_on"
    sort_fields = ["held_on"]
    export_name = "child-care-outreach"
    export_columns = [
        (gettext_lazy("Village/community"), "area.name"), (gettext_lazy("Held on"), "held_on"),
        (gettext_lazy("Topic"), "topic"), (gettext_lazy("Children reached"), "children"),
        (gettext_lazy("Guardians and parents reached"), "guardians"),
        (gettext_lazy("Left-behind women reached"), "women"),
        (gettext_lazy("Village/community cadres reached"), "cadres"),
    ]

    def base_queryset(self):
        return Outreach.objects.select_related("area")


class OutreachCreateView(ScopedCreateView):
    model = Outreach
    form_class = OutreachForm
    title = gettext_lazy("Record a policy outreach")
    success_message = gettext_lazy("Outreach recorded.")

    def get_form(self):
        return style(super().get_form())

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def perform(self, form):
        return services.record_outreach(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return result.get_absolute_url()


# --- trainings (业务培训) ---------------------------------------------------------------------------------
class TrainingListView(ScopedListView):
    model = Training
    filterset_class = TrainingFilterSet
    template_name = "child_care/training_list.html"
    default_sort = "-held_on"
    sort_fields = ["held_on"]
    export_name = "child-care-trainings"
    export_columns = [
        (gettext_lazy("Held on"), "held_on"), (gettext_lazy("Topic"), "topic"),
        (gettext_lazy("Level"), "get_level_display"), (gettext_lazy("Organiser"), "organiser"),
        (gettext_lazy("Area"), "area.name"), (gettext_lazy("Invited"), "invited"),
        (gettext_lazy("Attended"), "present"),
    ]

    def base_queryset(self):
        from django.db.models import Count, Q

        return Training.objects.select_related("area").annotate(
            invited=Count("attendances"), present=Count("attendances", filter=Q(attendances__attended=True)))


class TrainingCreateView(ScopedCreateView):
    model = Training
    form_class = TrainingForm
    title = gettext_lazy("Record a training")
    success_message = gettext_lazy("Training recorded; mark the attendance after it.")

    def get_form(self):
        return style(super().get_form())

    def perform(self, form):
        return services.record_training(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return result.get_absolute_url()


class TrainingAttendanceView(_Step):
    """Mark who of the invited attended; an attendee counts as trained from the training's day."""

    model = Training
    form_class = AttendanceForm
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Attendance saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "training": self.object}

    def get_title(self):
        return _("Attendance: %(training)s") % {"training": self.object}

    def perform(self, obj, form):
        attended = list(form.cleaned_data["attended"])
        absent = [a.appointment for a in obj.attendances.select_related("appointment__area")
                  if a.appointment not in attended]
        return services.mark_attendance(actor=self.request.user, training=obj, attended=attended, absent=absent)

    def get_success_url(self, result):
        from django.urls import reverse

        return reverse("child_care:training-list")
