"""Staff pages (phone-sized for grid and community workers) and the public grid contact board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import AreaLevel
from core.exceptions import NoPermission, TransitionRefused
from core.generic import (
    ScopedActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    scope_form_choices,
)
from core.models import Area
from core.scope import scope_for
from core.validators import content_type_for, extension

from . import forms, selectors, services
from .choices import Answer, State
from .filtersets import (
    AdmissionFilterSet,
    CertificateFilterSet,
    GridProfileFilterSet,
    IncidentFilterSet,
    QuotaFilterSet,
    TaskFilterSet,
    WindowFilterSet,
    WorkerFilterSet,
)
from .listing import cached_counts
from .models import (
    AdmissionRequest,
    Certificate,
    CommunityTask,
    CommunityWorker,
    GridProfile,
    HandlingUnit,
    Incident,
    PatrolPlan,
    PatrolVisit,
    PostQuota,
    WindowRequest,
)
from .people import linked_records


class ProfileListView(ScopedListView):
    model = GridProfile
    filterset_class = GridProfileFilterSet
    template_name = "grids/profile_list.html"
    sort_fields = ["area__code", "households", "residents"]
    default_sort = "area__code"
    export_name = "grids"
    export_columns = [
        (gettext_lazy("Grid code"), "area.code"), (gettext_lazy("Grid"), "area.name"), (gettext_lazy("Community"), "area.parent.name"),
        (gettext_lazy("Grid type"), "get_grid_type_display"), (gettext_lazy("Households"), "households"), (gettext_lazy("Residents"), "residents"),
        (gettext_lazy("Buildings"), "buildings"), (gettext_lazy("Stationed units"), "stationed_units"),
        (gettext_lazy("Party members"), "party_members"), (gettext_lazy("Grid worker on the board"), "contact_name"),
        (gettext_lazy("Service phone"), "service_phone"), (gettext_lazy("Contact board published"), "published"),
    ]

    def base_queryset(self):
        return GridProfile.objects.select_related("area__parent")


class ProfileDetailView(ScopedDetailView):
    model = GridProfile
    template_name = "grids/profile_detail.html"
    context_object_name = "profile"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return GridProfile.objects.select_related("area__parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        area = self.object.area
        ctx["assignments"] = list(area.grid_assignments.select_related("worker__staff"))
        ctx["plans"] = list(area.patrol_plans.all())
        ctx["incidents"] = list(Incident.objects.filter(area=area).select_related("category", "unit")[:20])
        return ctx


class WorkerListView(ScopedListView):
    model = CommunityWorker
    filterset_class = WorkerFilterSet
    template_name = "grids/worker_list.html"
    sort_fields = ["staff__full_name", "grade", "hired_on"]
    default_sort = "area__code"
    export_name = "community-workers"
    export_columns = [
        (gettext_lazy("Worker name"), "staff.full_name"), (gettext_lazy("Community"), "area.name"), (gettext_lazy("Post type"), "get_post_type_display"),
        (gettext_lazy("Grade"), "grade"), (gettext_lazy("Grade since"), "grade_since"), (gettext_lazy("Monthly pay (yuan)"), "monthly_pay"),
        (gettext_lazy("Generalist (全科)"), "is_generalist"), (gettext_lazy("Status"), "get_status_display"), (gettext_lazy("Hired on"), "hired_on"),
    ]

    def base_queryset(self):
        return CommunityWorker.objects.select_related("area", "staff")


class WorkerDetailView(ScopedDetailView):
    model = CommunityWorker
    template_name = "grids/worker_detail.html"
    context_object_name = "worker"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return CommunityWorker.objects.select_related("area", "staff")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        w = self.object
        ctx["grades"] = list(w.grade_changes.select_related("rule"))
        ctx["assignments"] = list(w.assignments.select_related("area"))
        ctx["assessments"] = list(w.assessments.all())
        ctx.update(linked_records(w, self.request.user))
        return ctx


class QuotaListView(ScopedListView):
    model = PostQuota
    filterset_class = QuotaFilterSet
    template_name = "grids/quota_list.html"
    sort_fields = ["area__code", "year", "vacant"]
    default_sort = "area__code"
    export_name = "post-quotas"
    export_columns = [
        (gettext_lazy("Community"), "area.name"), (gettext_lazy("Code"), "area.code"), (gettext_lazy("Quota year"), "year"),
        (gettext_lazy("Approved posts"), "approved"), (gettext_lazy("Filled posts"), "filled"), (gettext_lazy("Vacant posts"), "vacant"),
        (gettext_lazy("Vacant since"), "vacant_since"),
    ]

    def base_queryset(self):
        return PostQuota.objects.select_related("area")


# What the list and its export read (the description, photo and reason stay in the table).
INCIDENT_LIST_COLUMNS = ("ref", "area__name", "area__code", "source", "category__name", "category__parent__name",
                         "priority", "state", "unit__name", "filed_at", "due_on", "closed_on", "reopened_count")


class IncidentListView(ScopedListView):
    model = Incident
    filterset_class = IncidentFilterSet
    template_name = "grids/incident_list.html"
    sort_fields = ["filed_at", "due_on", "state", "ref"]
    default_sort = "-filed_at"
    export_name = "incidents"
    export_columns = [
        (gettext_lazy("Reference"), "ref"), (gettext_lazy("Grid"), "area.name"), (gettext_lazy("Source"), "get_source_display"),
        (gettext_lazy("Category"), lambda i: str(i.category)), (gettext_lazy("Priority"), "get_priority_display"),
        (gettext_lazy("State"), "get_state_display"), (gettext_lazy("Handling unit"), "unit.name"), (gettext_lazy("Filed"), "filed_at"),
        (gettext_lazy("Due"), "due_on"), (gettext_lazy("Closed on"), "closed_on"), (gettext_lazy("Times reopened"), "reopened_count"),
    ]

    def base_queryset(self):
        return Incident.objects.select_related("area", "category__parent", "unit").only(
            *INCIDENT_LIST_COLUMNS)

    def get_ordering(self):
        # id breaks ties, so the order is the index's (grids_incident_filed) and pages are stable
        ordering = super().get_ordering()
        return [*ordering, "-id" if ordering[0].startswith("-") else "id"] if ordering else ordering

    @cached_property
    def counters(self):
        prefixes = scope_for(self.request.user).prefixes_for("grids.view_incident")
        return incident_counters(self.object_list, prefixes, self.request.GET)

    def paginate_queryset(self, queryset, page_size):
        """Every incident is in exactly one on-time class: the (cached) counters are the list's count, so a
        page makes no COUNT(*) of a district's incidents of its own. The rows do not depend on that count:
        one more row than the page is read, so a count behind the table (an entry made before a change
        that bypassed the model) can neither hide a row nor the next page; it only shows "of N" short."""
        paginator = self.get_paginator(queryset, page_size)
        raw = self.request.GET.get("page") or 1
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise Http404 from None
        if number < 1:
            raise Http404
        start = (number - 1) * page_size
        rows = list(queryset[start: start + page_size + 1])
        if number > 1 and not rows:
            raise Http404
        paginator.count = max(sum(n for _value, _label, n in self.counters), start + len(rows))
        rows = rows[:page_size]
        page = paginator._get_page(rows, number, paginator)
        return paginator, page, rows, paginator.num_pages > 1

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["counters"] = self.counters
        # The rows as the table shows them, read once here: the template's per-row lookups (a reverse(), a
        # choices lookup, the category's name) were most of the page's time at 50 rows.
        url = reverse("grids:incident-detail", args=[987654321]).replace("987654321", "{}")
        states = {value: str(label) for value, label in State.choices}
        ctx["rows"] = [{"url": url.format(i.pk), "ref": i.ref, "grid": i.area.name, "category": str(i.category),
                        "state": states.get(i.state, i.state), "unit": i.unit.name if i.unit_id else "",
                        "due_on": i.due_on, "overdue": i.is_overdue} for i in ctx["object_list"]]
        return ctx


# action -> (form, service call, states where offered, label)
def _duplicate(actor, incident, d):
    original = Incident.objects.restrict(actor, "view").filter(ref=d["of"].strip()).first()
    if original is None:
        raise ValidationError({"of": _("No incident with this reference.")})
    return services.mark_duplicate(actor=actor, incident=incident, of=original)


S = State
INCIDENT_ACTIONS = {
    "start": (forms.NoteForm, lambda a, i, d: services.start_incident(actor=a, incident=i, **d), [S.ROUTED],
              gettext_lazy("Start handling")),
    "resolve": (forms.RequiredNoteForm, lambda a, i, d: services.resolve_incident(actor=a, incident=i, **d),
                [S.IN_PROGRESS], gettext_lazy("Resolve")),
    "verify": (forms.NoteForm, lambda a, i, d: services.verify_incident(actor=a, incident=i, **d), [S.RESOLVED],
               gettext_lazy("Verify")),
    "close": (forms.CloseForm, lambda a, i, d: services.close_incident(actor=a, incident=i, **d), [S.VERIFIED],
              gettext_lazy("Close")),
    "not_responsible": (forms.NotResponsibleForm,
                        lambda a, i, d: services.not_responsible(actor=a, incident=i, **d),
                        [S.ROUTED, S.IN_PROGRESS], gettext_lazy("Not responsible")),
    "duplicate": (forms.DuplicateForm, _duplicate, [S.FILED, S.ROUTED, S.IN_PROGRESS], gettext_lazy("Duplicate")),
    "unable": (forms.ReasonForm, lambda a, i, d: services.mark_unable(actor=a, incident=i, **d),
               [S.ROUTED, S.IN_PROGRESS], gettext_lazy("Unable to handle")),
    "reopen": (forms.ReasonForm, lambda a, i, d: services.reopen_incident(actor=a, incident=i, **d),
               [S.CLOSED, S.UNABLE], gettext_lazy("Reopen on complaint")),
}


def _action_form(name, incident, data=None):
    form = INCIDENT_ACTIONS[name][0](data, prefix=name)
    if "unit" in form.fields:
        form.fields["unit"].queryset = HandlingUnit.objects.filter(
            area__code__in=[a.code for a in incident.area.ancestors()]).exclude(pk=incident.unit_id)
    return form


class IncidentDetailView(ScopedDetailView):
    model = Incident
    template_name = "grids/incident_detail.html"
    context_object_name = "incident"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return Incident.objects.select_related("area__parent", "category__parent", "unit", "duplicate_of", "visit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        incident = self.object
        ctx["events"] = list(incident.events.select_related("actor", "unit"))
        ctx["can_change"] = scope_for(self.request.user).covers("grids.change_incident", incident.area.code)
        forms_ = getattr(self, "kept_forms", {})
        ctx["forms"] = [(name, forms_.get(name) or _action_form(name, incident), spec[3])
                        for name, spec in INCIDENT_ACTIONS.items() if incident.state in spec[2] or name in forms_]
        return ctx


@login_required
def incident_action(request, pk, action):
    """One step of an incident; a refusal is shown beside the kept input (status 409/400)."""
    incident = Incident.objects.restrict(request.user, "view").filter(pk=pk).first()
    if incident is None or action not in INCIDENT_ACTIONS or request.method != "POST":
        raise Http404
    _form, call, _states, label = INCIDENT_ACTIONS[action]
    form = _action_form(action, incident, request.POST)
    status = 400
    if form.is_valid():
        try:
            call(request.user, incident, form.cleaned_data)
        except TransitionRefused as exc:
            form.add_error(None, exc.reason)
            status = 409
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(action)s: done.") % {"action": label})
            return redirect("grids:incident-detail", pk=incident.pk)
    view = IncidentDetailView(request=request, kwargs={"pk": pk}, args=())
    view.kept_forms = {action: form}
    view.object = incident
    return render(request, view.template_name, view.get_context_data(object=incident), status=status)


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _grids_for(user, perm_action="add", model="incident"):
    return Area.objects.restrict(user, "view").filter(level=AreaLevel.GRID).filter(
        code__regex=_prefix_regex(user, f"grids.{perm_action}_{model}"))


def _prefix_regex(user, perm):
    prefixes = scope_for(user).prefixes_for(perm)
    if prefixes is None:
        return r"^"
    return r"^(" + "|".join(prefixes) + ")" if prefixes else r"^x$"


@login_required
def incident_create(request):
    if not scope_for(request.user).has_perm_somewhere("grids.add_incident"):
        raise NoPermission(_("You do not have permission to see this page."))
    form = forms.IncidentForm(request.POST or None, request.FILES or None)
    grids = _grids_for(request.user)
    form.fields["area"].queryset = grids
    if grids.count() == 1:
        form.fields["area"].initial = grids.first()
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.file_incident(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Incident %(ref)s filed and routed to %(unit)s.")
                             % {"ref": incident.ref, "unit": incident.unit})
            return redirect(incident)
    return render(request, "grids/incident_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def visit_create(request, pk):
    """A patrol of a plan's grid, recorded on the phone (camera capture for the photo)."""
    plan = PatrolPlan.objects.restrict(request.user, "view").select_related("area").filter(pk=pk).first()
    if plan is None:
        raise Http404
    if not scope_for(request.user).covers("grids.add_patrolvisit", plan.area.code):
        raise NoPermission(_("You do not have permission to see this page."))
    form = forms.VisitForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.record_visit(actor=request.user, plan=plan, started_at=d["started_at"],
                                          ended_at=d["ended_at"], answers=form.answers(),
                                          objects_visited=d["objects_visited"], notes=d["notes"],
                                          photo=d.get("photo"), findings=form.findings())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Patrol recorded."))
            return redirect(visit)
    return render(request, "grids/visit_form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


class VisitDetailView(ScopedDetailView):
    model = PatrolVisit
    template_name = "grids/visit_detail.html"
    context_object_name = "visit"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return PatrolVisit.objects.select_related("area", "plan", "worker")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        labels = dict(self.object.plan.items.values_list("code", "label"))
        words = dict(Answer.choices)
        ctx["answers"] = [(labels.get(code, code), words.get(value, value))
                          for code, value in self.object.answers.items()]
        ctx["incidents"] = list(self.object.incidents.select_related("unit"))
        return ctx


def _download(request, record, field, title):
    stored = getattr(record, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_file_download(actor=request.user, record=record, field=field)
    ext = extension(stored.name)
    response = FileResponse(handle, as_attachment=True, filename=f"{title}.{ext}" if ext else title,
                            content_type=content_type_for(stored.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class PhotoView(ScopedDetailView):
    """A record's photo as a download; outside the user's areas 404 (the kit's ScopedDetailView), every
    download audited (it may show residents)."""

    slug_url_kwarg = "pk"

    def base_queryset(self):
        return self.model._default_manager.select_related("area")

    def title(self, record) -> str:
        raise NotImplementedError

    def render_to_response(self, context, **response_kwargs):
        return _download(self.request, self.object, "photo", self.title(self.object))


class VisitPhotoView(PhotoView):
    model = PatrolVisit

    def title(self, record) -> str:
        return f"patrol-{record.pk}"


class IncidentPhotoView(PhotoView):
    model = Incident

    def title(self, record) -> str:
        return record.ref


def public_board(request, code):
    """The grids of a community with their published contact board (滨州条例 Art. 6): grid, extent,
    worker's name, the post's service phone and the complaints phone; never a personal phone."""
    community = get_object_or_404(Area, code=code, level=AreaLevel.COMMUNITY)
    return render(request, "grids/public_board.html", {"community": community,
                                                       "boards": selectors.public_boards(community)})




# --- incident counters on the list (closed on time, pending on time, closed overdue) ---------------------
def incident_counters(queryset, prefixes=None, params=None) -> list:
    """The Pingshan counters of the incidents a list shows (its filters applied): one grouped query, kept
    in the cache for the user's scope and the list's filters until an incident of the scope changes
    (grids.listing)."""
    from django.db.models import Count
    from django.utils import timezone

    from .choices import OnTime

    def compute():
        qs = queryset.order_by()
        if "on_time_class" not in qs.query.annotations:
            qs = qs.with_on_time_class(timezone.localdate())
        return dict(qs.values_list("on_time_class").annotate(n=Count("id")).values_list("on_time_class", "n"))

    counts = compute() if params is None else cached_counts(prefixes, params, compute)
    return [(value, label, counts.get(value, 0)) for value, label in OnTime.choices]




# --- the kit's pages for the one window, burden reduction and certificates --------------------------------
class _StepView(ScopedActionView):
    """A named step on one record: ``steps`` maps the URL's action to (form, call(actor, obj, data), label)."""

    steps: dict = {}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.prefix = kwargs.get("action")
        self.form_class, self.call, self.submit_label = self.steps.get(self.prefix, (None, None, None))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.call is None:  # anonymous: to sign-in first
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return f"{self.object} · {self.submit_label}"

    def perform(self, obj, form):
        return self.call(self.request.user, obj, form.cleaned_data)

    def succeeded(self, result):
        messages.success(self.request, _("%(action)s: done.") % {"action": self.submit_label})
        return super().succeeded(result)


def _step_forms(view, obj, steps, available):
    """(name, form, label) of the steps a user who may change the record can take now."""
    model = type(obj)
    if not scope_for(view.request.user).covers(f"grids.change_{model._meta.model_name}", obj.area.code):
        return []
    return [(name, steps[name][0](prefix=name), steps[name][2]) for name in available]


class WindowListView(ScopedListView):
    model = WindowRequest
    filterset_class = WindowFilterSet
    template_name = "grids/window_list.html"
    sort_fields = ["received_at", "target_date", "ref"]
    default_sort = "-received_at"
    export_name = "window-requests"
    export_columns = [
        (gettext_lazy("Reference"), "ref"), (gettext_lazy("Community"), "area.name"),
        (gettext_lazy("Service item"), "item.name"), (gettext_lazy("Resident"), "resident_name"),
        (gettext_lazy("What the resident asks"), "request"), (gettext_lazy("Received"), "received_at"),
        (gettext_lazy("State"), "get_state_display"), (gettext_lazy("Back office"), "back_office"),
        (gettext_lazy("Target date"), "target_date"), (gettext_lazy("Done"), "done_at"),
        (gettext_lazy("Closed the same day"), "same_day"), (gettext_lazy("Resident told"), "notified_at"),
        (gettext_lazy("Result"), "result"),
    ]

    def base_queryset(self):
        return WindowRequest.objects.select_related("area", "item")


class WindowCreateView(ScopedCreateView):
    model = WindowRequest
    form_class = forms.WindowForm
    title = gettext_lazy("One window: record a request")
    submit_label = gettext_lazy("Record")

    def get_initial(self):
        communities = scope_form_choices(forms.WindowForm(), self.request.user, WindowRequest).fields["area"].queryset
        return {"area": communities.first()} if communities.count() == 1 else {}

    def perform(self, form):
        return services.receive_window_request(actor=self.request.user, **form.cleaned_data)

    def succeeded(self, result):
        messages.success(self.request, _("Request %(ref)s recorded: %(state)s.")
                         % {"ref": result.ref, "state": result.get_state_display()})
        return super().succeeded(result)


WINDOW_STEPS = {
    "complete": (forms.ResultForm, lambda a, r, d: services.complete_window_request(
        actor=a, window_request=r, **d), gettext_lazy("Result is in")),
    "notify": (forms.NotifyForm, lambda a, r, d: services.notify_resident(actor=a, window_request=r, **d),
               gettext_lazy("Resident told")),
}


class WindowDetailView(ScopedDetailView):
    model = WindowRequest
    template_name = "grids/window_detail.html"
    context_object_name = "req"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return WindowRequest.objects.select_related("area", "item", "received_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        state = self.object.state
        available = {"back_office": ["complete"], "done": ["notify"]}.get(state, [])
        ctx["steps"] = _step_forms(self, self.object, WINDOW_STEPS, available)
        return ctx


class WindowStepView(_StepView):
    model = WindowRequest
    steps = WINDOW_STEPS


class TaskListView(ScopedListView):
    model = CommunityTask
    filterset_class = TaskFilterSet
    template_name = "grids/task_list.html"
    sort_fields = ["received_on", "department"]
    default_sort = "-received_on"
    export_name = "community-tasks"
    export_columns = [
        (gettext_lazy("Community"), "area.name"), (gettext_lazy("Department"), "department"),
        (gettext_lazy("Task"), "title"), (gettext_lazy("Listed item"), lambda t: str(t.item or "")),
        (gettext_lazy("Admission request"), lambda t: str(t.admission or "")),
        (gettext_lazy("Received on"), "received_on"), (gettext_lazy("State"), "get_state_display"),
        (gettext_lazy("Decided on"), "decided_on"), (gettext_lazy("Reason"), "reason"),
    ]

    def base_queryset(self):
        return CommunityTask.objects.select_related("area", "item", "admission")


class TaskCreateView(ScopedCreateView):
    model = CommunityTask
    form_class = forms.TaskForm
    title = gettext_lazy("Record a department's task")
    submit_label = gettext_lazy("Record")

    def perform(self, form):
        return services.push_task(actor=self.request.user, **form.cleaned_data)


TASK_STEPS = {
    "accept": (forms.EmptyStepForm, lambda a, t, d: services.accept_task(actor=a, task=t),
               gettext_lazy("Accept the task")),
    "refuse": (forms.EmptyStepForm, lambda a, t, d: services.refuse_task(actor=a, task=t),
               gettext_lazy("Refuse: not on the lists")),
}


class TaskDetailView(ScopedDetailView):
    model = CommunityTask
    template_name = "grids/task_detail.html"
    context_object_name = "task"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return CommunityTask.objects.select_related("area", "item", "admission")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        available = ["accept" if self.object.listed else "refuse"] if self.object.state == "received" else []
        ctx["steps"] = _step_forms(self, self.object, TASK_STEPS, available)
        return ctx


class TaskStepView(_StepView):
    model = CommunityTask
    steps = TASK_STEPS


class AdmissionListView(ScopedListView):
    model = AdmissionRequest
    filterset_class = AdmissionFilterSet
    template_name = "grids/admission_list.html"
    sort_fields = ["applied_on", "decide_by", "starts_on"]
    default_sort = "-applied_on"
    export_name = "admission-requests"
    export_columns = [
        (gettext_lazy("Area"), "area.name"), (gettext_lazy("Requesting department"), "department"),
        (gettext_lazy("Task"), "title"), (gettext_lazy("Legal basis"), "legal_basis"),
        (gettext_lazy("Funds follow the task"), "funds_follow"), (gettext_lazy("Applied on"), "applied_on"),
        (gettext_lazy("Task starts on"), "starts_on"), (gettext_lazy("Decide by"), "decide_by"),
        (gettext_lazy("State"), "get_state_display"), (gettext_lazy("Decided on"), "decided_on"),
    ]

    def base_queryset(self):
        return AdmissionRequest.objects.select_related("area")


class AdmissionCreateView(ScopedCreateView):
    model = AdmissionRequest
    form_class = forms.AdmissionForm
    title = gettext_lazy("Apply to admit a task")
    submit_label = gettext_lazy("Apply")
    success_url = reverse_lazy("grids:admission-list")

    def perform(self, form):
        return services.apply_for_admission(actor=self.request.user, **form.cleaned_data)


class AdmissionStepView(_StepView):
    model = AdmissionRequest
    steps = {"decide": (forms.DecideForm, lambda a, r, d: services.decide_admission(actor=a, admission=r, **d),
                        gettext_lazy("Decide"))}
    success_url = reverse_lazy("grids:admission-list")


class CertificateListView(ScopedListView):
    model = Certificate
    filterset_class = CertificateFilterSet
    template_name = "grids/certificate_list.html"
    sort_fields = ["issued_on", "number"]
    default_sort = "-issued_on"
    export_name = "certificates"
    export_columns = [
        (gettext_lazy("Number"), "number"), (gettext_lazy("Community"), "area.name"),
        (gettext_lazy("Certificate type"), "cert_type.name"), (gettext_lazy("Resident"), "resident_name"),
        (gettext_lazy("Purpose"), "purpose"), (gettext_lazy("Issued on"), "issued_on"),
        (gettext_lazy("Issued by"), lambda c: c.issued_by.get_username() if c.issued_by else ""),
    ]

    def base_queryset(self):
        return Certificate.objects.select_related("area", "cert_type", "issued_by")


class CertificateCreateView(ScopedCreateView):
    model = Certificate
    form_class = forms.CertificateForm
    title = gettext_lazy("Issue a certificate")
    submit_label = gettext_lazy("Issue")

    def get_initial(self):
        communities = scope_form_choices(forms.CertificateForm(), self.request.user, Certificate).fields["area"].queryset
        return {"area": communities.first()} if communities.count() == 1 else {}

    def perform(self, form):
        return services.issue_certificate(actor=self.request.user, **form.cleaned_data)


class CertificateDetailView(ScopedDetailView):
    model = Certificate
    template_name = "grids/certificate_detail.html"
    context_object_name = "cert"
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return Certificate.objects.select_related("area", "cert_type", "issued_by", "seal_use")


class CertificatePdfView(ScopedDetailView):
    """The certificate as a PDF with a seal placeholder; outside the user's areas 404 (the kit's
    ScopedDetailView). Every print is audited."""

    model = Certificate
    slug_url_kwarg = "pk"

    def base_queryset(self):
        return Certificate.objects.select_related("area__parent", "cert_type", "seal_use")

    def render_to_response(self, context, **response_kwargs):
        from .certificates import render_pdf

        cert = self.object
        services.record_certificate_print(actor=self.request.user, certificate=cert)
        response = HttpResponse(render_pdf(cert), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
