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
from core.generic import ScopedDetailView, ScopedListView, export_response
from core.models import Area
from core.readaudit import audit_read
from core.scope import scope_for

from . import selectors, services
from .filtersets import PersonFilterSet, ProposalFilterSet
from .forms import NoteForm, PersonForm, ReasonForm, RevealForm, SummaryForm, VisitForm
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
    events = selectors.access_log(person)[:500]
    return render(request, "child_care/access_log.html", {"person": person, "events": events})
