"""Staff pages (phone-sized for community workers) and the public case files (no login)."""

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.generic import ScopedActionView, ScopedCreateView, ScopedDetailView, ScopedListView
from core.models import Area
from core.querysets import perm_name
from core.scope import scope_for
from core.validators import content_type_for, extension

from . import forms, selectors, services
from .choices import OPEN_STAGES, Capacity, DisputeOutcome, Stage
from .filtersets import DisputeFilterSet, MatterFilterSet
from .models import Attachment, Ballot, Dispute, Matter, Meeting, Publication, Task


class MatterListView(ScopedListView):
    model = Matter
    filterset_class = MatterFilterSet
    template_name = "governance/matter_list.html"
    sort_fields = ["raised_at", "response_due", "stage", "ref"]
    default_sort = "-raised_at"
    paginate_by = 30
    export_name = "matters"
    export_columns = [
        (gettext_lazy("Reference"), "ref"), (gettext_lazy("Title"), "title"),
        (gettext_lazy("Community"), "area.name"), (gettext_lazy("Category"), "category.name"),
        (gettext_lazy("Track"), "get_track_display"), (gettext_lazy("Stage"), "get_stage_display"),
        (gettext_lazy("Raised"), "raised_at"), (gettext_lazy("Answer due"), "response_due"),
        (gettext_lazy("Answered"), "answered_at"),
    ]

    def base_queryset(self):
        return Matter.objects.select_related("area", "category")


def _for_matter(form, matter):
    """Forms whose choices depend on the matter (its community's grids) narrow them here."""
    return form.for_matter(matter) if hasattr(form, "for_matter") else form


class MatterDetailView(ScopedDetailView):
    model = Matter
    template_name = "governance/matter_detail.html"
    context_object_name = "matter"
    slug_url_kwarg = "pk"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        matter = self.object
        ctx.update(selectors.case_file(matter, public=False))
        user = self.request.user
        ctx["is_committee"] = services.seat(user, matter.area, Capacity.TWO_COMMITTEES) is not None
        ctx["is_supervisor"] = services.seat(user, matter.area, Capacity.SUPERVISION_COMMITTEE) is not None
        ctx["can_change"] = scope_for(user).covers("governance.change_matter", matter.area.code)
        ctx["forms"] = {name: _for_matter(spec[0](prefix=name), matter) for name, spec in MATTER_ACTIONS.items()
                        if matter.stage in spec[2]}
        ctx["pending_publications"] = [p for p in ctx["publications"] if not p.countersigned_at]
        ctx["open_round"] = next((r for r in ctx["rounds"] if r.is_open), None)
        ctx["response_form"] = forms.ResponseForm(prefix="respond").for_matter(matter)
        ctx["evidence_form"] = forms.EvidenceForm
        ctx["open_stages"] = OPEN_STAGES
        ctx["attachments"] = list(matter.attachments.all())
        ctx["six_steps"] = selectors.progress(matter)
        ctx["forms"] = {name: form for name, form in ctx["forms"].items() if _may_take(ctx, matter, name)}
        return ctx


# Panels that belong to a seat (the services refuse anyone else): shown only to its holders.
COMMITTEE_STEPS = {"accept", "decline", "merge", "refer", "merge_first_steps", "implement"}
SUPERVISOR_STEPS = {"object"}


def _may_take(ctx, matter, name) -> bool:
    """Whether the matter page offers panel ``name`` to this user now."""
    if name in COMMITTEE_STEPS and not ctx["is_committee"]:
        return False
    if name in SUPERVISOR_STEPS and not ctx["is_supervisor"]:
        return False
    return not (name == "merge_first_steps" and not matter.is_major)


class _CommunityCreateView(ScopedCreateView):
    """A record made in a community or village: the area is chosen among the communities where the user
    may add this model (a grid worker's grant reaches its grid's community), the other choices within the
    user's areas (the kit's ScopedCreateView); the service checks the area again."""

    def get_form(self):
        form = super().get_form()
        communities = selectors.communities_where(self.request.user, perm_name(self.model, "add"))
        form.fields["area"] = djforms.ModelChoiceField(label=_("Community/village"), queryset=communities,
                                                       initial=self.initial_area(communities))
        return forms.style(form)

    def initial_area(self, communities):
        return None


class MatterCreateView(_CommunityCreateView):
    """百姓点事 recorded on the phone: a refusal is shown beside the kept input."""

    model = Matter
    form_class = forms.MatterForm
    template_name = "governance/matter_form.html"
    title = gettext_lazy("Record a matter (百姓点事)")

    def initial_area(self, communities):
        return communities.first() if communities.count() == 1 else None

    def perform(self, form):
        return services.raise_matter(actor=self.request.user, **form.cleaned_data)

    def succeeded(self, result):
        messages.success(self.request, _("Matter %(ref)s recorded.") % {"ref": result.ref})
        return super().succeeded(result)


def _lines(text):
    return [{"name": line.strip(), "category": "other"} for line in (text or "").splitlines() if line.strip()]


def _merge_into(actor, matter, d):
    into = Matter.objects.restrict(actor, "view").filter(ref=d["into"].strip()).first()
    if into is None:
        raise ValidationError({"into": _("No matter with this reference.")})
    return services.merge_matter(actor=actor, matter=matter, into=into, reason=d["reason"])


def _schedule(actor, matter, d):
    return services.schedule_meeting(actor=actor, matter=matter, body_kind=d["body_kind"],
                                     step_kind=d["step_kind"] or None, scheduled_at=d["scheduled_at"],
                                     location=d["location"], agenda=d["agenda"], eligible=d["eligible"],
                                     eligible_reason=d.get("eligible_reason", ""))


def _complete(actor, matter, d):
    task = get_object_or_404(Task, pk=d["task"], project__matter=matter)
    return services.complete_task(actor=actor, task=task, evidence=d["evidence"])


def _respond(actor, matter, d):
    rnd = matter.evaluation_rounds.filter(closed_at__isnull=True).first()
    if rnd is None:
        raise TransitionRefused(_("No evaluation round is open."))
    return services.record_evaluation(actor=actor, round=rnd, **d)


def _close_round(actor, matter, d):
    rnd = matter.evaluation_rounds.filter(closed_at__isnull=True).first()
    if rnd is None:
        raise TransitionRefused(_("No evaluation round is open."))
    return services.close_evaluation(actor=actor, round=rnd)


def _answer_objection(actor, matter, d):
    objection = get_object_or_404(matter.objections, pk=d["objection"])
    return services.respond_to_objection(actor=actor, objection=objection, response=d["response"])


def _countersign(actor, matter, d):
    publication = matter.publications.filter(countersigned_at__isnull=True).first()
    if publication is None:
        raise TransitionRefused(_("No publication is waiting for a countersignature."))
    return services.countersign_publication(actor=actor, publication=publication)


S = Stage
# action -> (form, call(actor, matter, cleaned_data), stages where the page offers it, button label)
MATTER_ACTIONS = {
    "support": (forms.NameForm, lambda a, m, d: services.support_matter(actor=a, matter=m, **d), [S.RAISED],
                gettext_lazy("Add support (附议)")),
    "accept": (forms.NoteForm, lambda a, m, d: services.accept_matter(actor=a, matter=m, note=d["reason"]),
               [S.RAISED], gettext_lazy("Accept")),
    "decline": (forms.ReasonForm, lambda a, m, d: services.decline_matter(actor=a, matter=m, **d), [S.RAISED],
                gettext_lazy("Decline")),
    "merge": (forms.MergeForm, _merge_into, [S.RAISED], gettext_lazy("Merge")),
    "refer": (forms.ReferForm, lambda a, m, d: services.refer_matter(actor=a, matter=m, **d), [S.RAISED],
              gettext_lazy("Refer")),
    "withdraw": (forms.NoteForm, lambda a, m, d: services.withdraw_matter(actor=a, matter=m, **d), [S.RAISED],
                 gettext_lazy("Withdraw")),
    "merge_first_steps": (forms.ReasonForm, lambda a, m, d: services.merge_first_steps(actor=a, matter=m, **d),
                          [S.ACCEPTED], gettext_lazy("Merge the first two steps (一肩挑)")),
    "schedule": (forms.MeetingForm, _schedule, [S.ACCEPTED, S.DELIBERATING], gettext_lazy("Send the notice")),
    "publish": (forms.PublicationForm, None, [S.DECIDED, S.IMPLEMENTING], gettext_lazy("Post the publication")),
    "countersign": (djforms.Form, _countersign, [], gettext_lazy("Countersign")),
    "implement": (forms.ProjectForm, lambda a, m, d: services.start_implementation(
        actor=a, matter=m, title=d["title"], lead_body=d["lead_body"], partners=_lines(d["partners"]),
        budget=d["budget"]), [S.DECIDED], gettext_lazy("Start the project")),
    "task": (forms.TaskForm, lambda a, m, d: services.add_task(actor=a, project=m.project, **d), [S.IMPLEMENTING],
             gettext_lazy("Add task")),
    "complete": (forms.EvidenceForm, _complete, [], gettext_lazy("Done")),
    "evaluate": (forms.EvaluationForm, lambda a, m, d: services.open_evaluation(actor=a, matter=m, **d),
                 [S.IMPLEMENTING], gettext_lazy("Open the public evaluation")),
    "respond": (forms.ResponseForm, _respond, [], gettext_lazy("Record the answer")),
    "close_round": (djforms.Form, _close_round, [], gettext_lazy("Close the evaluation")),
    "attach": (forms.AttachmentForm, None, OPEN_STAGES, gettext_lazy("Attach a file")),
    "answer_objection": (forms.ObjectionAnswerForm, _answer_objection, [], gettext_lazy("Answer")),
    "object": (forms.ObjectionForm, lambda a, m, d: services.object_to_matter(actor=a, matter=m, **d),
               OPEN_STAGES, gettext_lazy("Object (监委)")),
}


def _publish(actor, matter, d, files):
    return services.post_publication(actor=actor, matter=matter, kind=d["kind"], content=d["content"],
                                     photo_taken_at=d["photo_taken_at"], photo=files.get("publish-photo"))


class MatterStepView(ScopedActionView):
    """A step of the matter page on the kit (core.generic.ScopedActionView): a refusal or a bad form is
    shown beside the form with the user's input and the fields' labels (400/409), not as a message on
    the case file. The matter is looked up among those the user may see; the services check the seat
    and the change scope, as before."""

    model = Matter
    scope_action = "view"
    success_message = None
    http_method_names = ["post"]  # the panels are on the matter page; a step is only ever posted

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.prefix = kwargs["action"]
        self.form_class, self.call, _stages, self.submit_label = MATTER_ACTIONS.get(self.prefix, (None,) * 4)

    def post(self, request, *args, **kwargs):
        if self.prefix not in MATTER_ACTIONS:  # after the sign-in and permission checks of the kit
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_form(self):
        form = _for_matter(super().get_form(), self.object)
        forms.style(form)
        return form

    def get_title(self):
        return f"{self.object.ref} {self.object.title} · {self.submit_label}"

    def perform(self, obj, form):
        if self.prefix == "publish":
            return _publish(self.request.user, obj, form.cleaned_data, self.request.FILES)
        if self.prefix == "attach":
            return services.add_attachment(actor=self.request.user, matter=obj, **form.cleaned_data)
        return self.call(self.request.user, obj, form.cleaned_data)

    def get_success_url(self, result):
        if isinstance(result, Meeting):
            return reverse("governance:meeting-detail", args=[result.pk])
        return self.object.get_absolute_url()

    def succeeded(self, result):
        messages.success(self.request, _("%(action)s: done.") % {"action": self.submit_label})
        return super().succeeded(result)


class MeetingDetailView(ScopedDetailView):
    model = Meeting
    template_name = "governance/meeting_detail.html"
    context_object_name = "meeting"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return Meeting.objects.select_related("matter", "step", "quorum_rule", "area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        ctx["participants"] = list(m.participants.all())
        ctx["minutes"] = getattr(m, "minutes", None) if hasattr(m, "minutes") else None
        ctx["ballots"] = list(m.ballots.all())
        ctx["open_ballot"] = next((b for b in ctx["ballots"] if b.is_open), None)
        ctx["forms"] = {name: spec[0](prefix=name) for name, spec in MEETING_ACTIONS.items()}
        return ctx


def _ballot(meeting):
    ballot = meeting.ballots.filter(closed_at__isnull=True).first()
    if ballot is None:
        raise TransitionRefused(_("No vote is open."))
    return ballot


def _minutes(actor, m, d):
    speakers = [{"name": d["speaker"], "category": d["speaker_category"], "opinion": d["opinion"]}] \
        if d["speaker"] else []
    existing = list(m.minutes.speakers) if hasattr(m, "minutes") else []
    return services.save_minutes(actor=actor, meeting=m, speakers=existing + speakers, consensus=d["consensus"]
                                 or (m.minutes.consensus if hasattr(m, "minutes") else ""), dissent=d["dissent"])


MEETING_ACTIONS = {
    "attend": (forms.AttendanceForm, lambda a, m, d: services.record_attendance(actor=a, meeting=m, **d),
               pgettext_lazy("meeting attendance", "Sign in")),
    "minutes": (forms.MinutesForm, _minutes, gettext_lazy("Save the minutes")),
    "sign": (forms.SignForm, lambda a, m, d: services.sign_minutes(actor=a, meeting=m, **d),
             gettext_lazy("Sign and lock the minutes")),
    "ballot": (forms.BallotForm, lambda a, m, d: services.open_ballot(actor=a, meeting=m, **d),
               gettext_lazy("Open the vote")),
    "tally": (forms.TallyForm, lambda a, m, d: services.tally_ballot(actor=a, ballot=_ballot(m), **d),
              gettext_lazy("Add counted votes")),
    "close": (djforms.Form, lambda a, m, d: services.close_ballot(actor=a, ballot=_ballot(m)),
              gettext_lazy("Close the vote and count")),
}


class MeetingStepView(ScopedActionView):
    """A panel of the meeting page on the kit: refusals beside the form with labels and the input kept."""

    model = Meeting
    scope_action = "view"
    http_method_names = ["post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.prefix = kwargs["action"]
        self.form_class, self.call, self.submit_label = MEETING_ACTIONS.get(self.prefix, (None,) * 3)

    def post(self, request, *args, **kwargs):
        if self.prefix not in MEETING_ACTIONS:
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_form(self):
        return forms.style(super().get_form())

    def get_title(self):
        return f"{self.object} · {self.submit_label}"

    def perform(self, obj, form):
        return self.call(self.request.user, obj, form.cleaned_data)

    def get_success_url(self, result):
        return reverse("governance:meeting-detail", args=[self.object.pk])

    def succeeded(self, result):
        if isinstance(result, Ballot) and result.closed_at:
            messages.success(self.request, _("The vote passed.") if result.passed else
                             _("The vote did not pass (quorum: %(q)s).") % {
                                 "q": _("yes") if result.quorate else _("no")})
        else:
            messages.success(self.request, _("%(action)s: done.") % {"action": self.submit_label})
        return super().succeeded(result)


class CaseFilePdfView(ScopedDetailView):
    """The case file as a PDF for the village archive (村务档案); outside the user's areas 404 (the kit's
    ScopedDetailView)."""

    model = Matter
    slug_url_kwarg = "pk"
    template_name = "governance/case_file_print.html"

    def base_queryset(self):
        return Matter.objects.select_related("area", "category")

    def render_to_response(self, context, **response_kwargs):
        from weasyprint import HTML

        matter = self.object
        html = render(self.request, self.template_name, selectors.case_file(matter, public=False)).content
        pdf = HTML(string=html.decode(), base_url=self.request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{matter.ref}.pdf"'
        return response


class DisputeListView(ScopedListView):
    model = Dispute
    filterset_class = DisputeFilterSet
    template_name = "governance/dispute_list.html"
    sort_fields = ["received_on", "resolved_on"]
    default_sort = "-received_on"
    export_name = "disputes"
    export_columns = [
        (gettext_lazy("Community"), "area.name"), (gettext_lazy("Type"), "get_dispute_type_display"),
        (gettext_lazy("Channel"), "get_channel_display"), (gettext_lazy("Mediator"), "mediator"),
        (gettext_lazy("Received"), "received_on"), (gettext_lazy("Outcome"), "get_outcome_display"),
        (gettext_lazy("Resolved"), "resolved_on"), (gettext_lazy("Reopened"), "reopened_on"),
        (gettext_lazy("Effectively resolved"), "effectively_resolved"),
    ]

    def base_queryset(self):
        return Dispute.objects.select_related("area")


class DisputeCreateView(_CommunityCreateView):
    model = Dispute
    form_class = forms.DisputeForm
    template_name = "governance/dispute_form.html"
    title = gettext_lazy("Register a dispute")
    success_message = gettext_lazy("Dispute registered.")
    success_url = reverse_lazy("governance:dispute-list")

    def get_initial(self):
        return {"outcome": DisputeOutcome.PENDING}

    def perform(self, form):
        return services.register_dispute(actor=self.request.user, **form.cleaned_data)


# --- public pages --------------------------------------------------------------------------------------
def _community(code):
    return get_object_or_404(Area, code=code, level=AreaLevel.COMMUNITY)


def public_matters(request, code):
    area = _community(code)
    matters = selectors.public_matters(area)
    return render(request, "governance/public_list.html", {
        "area": area,
        "in_progress": [m for m in matters if m.stage in OPEN_STAGES],
        "ended": [m for m in matters if m.stage not in OPEN_STAGES],
    })


def public_matter(request, code, ref):
    area = _community(code)
    matter = selectors.public_matters(area).filter(ref=ref).first()
    if matter is None:
        raise Http404
    ctx = selectors.case_file(matter, public=True)
    ctx["area"] = area
    return render(request, "governance/public_case_file.html", ctx)





# --- stored files: only here, never under MEDIA_URL ----------------------------------------------
class StoredFileView(ScopedDetailView):
    """A stored file of one record, for staff of the record's area (the kit's ScopedDetailView: signed in,
    the view permission somewhere or 403, outside the user's areas 404), handed out as a download (never
    rendered by the browser) after auditing it. Subclasses name the ``file_field`` and the download's
    name; the core kit has no file view, so this small one lives here."""

    slug_url_kwarg = "pk"
    file_field = ""

    def download_name(self, record) -> str:
        raise NotImplementedError

    def render_to_response(self, context, **response_kwargs):
        record = self.object
        stored = getattr(record, self.file_field)
        if not stored:
            raise Http404
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        services.record_file_download(actor=self.request.user, record=record, field=self.file_field)
        title = self.download_name(record)
        ext = extension(stored.name)
        response = FileResponse(handle, as_attachment=True, filename=f"{title}.{ext}" if ext else title,
                                content_type=content_type_for(stored.name))
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class AttachmentDownloadView(StoredFileView):
    """An attachment of a matter in the user's areas; elsewhere it does not exist (404)."""

    model = Attachment
    file_field = "file"

    def base_queryset(self):
        return Attachment.objects.select_related("matter__area")

    def download_name(self, record):
        return record.title


class PublicationPhotoView(StoredFileView):
    """The photo proving a publication was posted, for staff of its area (404 elsewhere)."""

    model = Publication
    file_field = "photo"

    def base_queryset(self):
        return Publication.objects.select_related("matter", "area")

    def download_name(self, record):
        return f"{record.matter.ref}-{record.get_kind_display()}"


# --- disputes: a page per dispute, resolved and reopened there ----------------------------------------------
class DisputeDetailView(ScopedDetailView):
    model = Dispute
    template_name = "governance/dispute_detail.html"
    context_object_name = "dispute"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return Dispute.objects.select_related("area", "matter")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        d = self.object
        ctx["can_change"] = scope_for(self.request.user).covers("governance.change_dispute", d.area.code)
        ctx["resolve_form"] = forms.DisputeResolveForm() if d.outcome != DisputeOutcome.RESOLVED else None
        ctx["reopen_form"] = forms.ReasonForm() if d.outcome == DisputeOutcome.RESOLVED and not d.reopened_on \
            else None
        ctx["points"] = list(d.points.all())
        return ctx


class DisputeResolveView(ScopedActionView):
    model = Dispute
    form_class = forms.DisputeResolveForm
    service = services.resolve_dispute
    title = gettext_lazy("Record the resolution")
    submit_label = gettext_lazy("Resolved")
    success_message = gettext_lazy("The resolution is recorded.")


class DisputeReopenView(ScopedActionView):
    model = Dispute
    form_class = forms.ReasonForm
    service = services.reopen_dispute
    title = gettext_lazy("Reopen the dispute")
    submit_label = gettext_lazy("Reopen")
    success_message = gettext_lazy("The dispute is reopened.")


# --- the public index: every community's published matters, found by name ------------------------------------
def public_index(request):
    """Communities and villages by name (substring), each with how many matters it has published, leading
    to its public list of case files. No login, no personal data."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Q
    from django.utils import timezone

    from .choices import Stage

    q = (request.GET.get("q") or "").strip()[:50]
    communities = (Area.objects.valid_on(timezone.localdate()).filter(level=AreaLevel.COMMUNITY)
                   .select_related("parent", "parent__parent")
                   .annotate(published=Count("governance_matters",
                                             filter=~Q(governance_matters__stage=Stage.WITHDRAWN)))
                   .order_by("-published", "code"))
    if q:
        communities = communities.filter(Q(name__icontains=q) | Q(parent__name__icontains=q))
    page = Paginator(communities, 50).get_page(request.GET.get("page"))
    return render(request, "governance/public_index.html", {"page_obj": page, "q": q})
