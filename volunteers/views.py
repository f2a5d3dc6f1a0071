"""Pages of the volunteers app: staff lists and details, the team's shift page (record, approve),
the volunteer's own page (check in, corrections, certificates) and the public verification page."""

import functools
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from core import ratelimit
from core.generic import KitFormMixin, ScopedActionView, ScopedCreateView, ScopedDetailView, ScopedListView

from . import certificates, services
from .choices import ImportKind, MemberRole, RecordStatus, SignUpStatus
from .filtersets import TeamFilterSet, VolunteerFilterSet
from .forms import CheckInForm, CorrectionAnswerForm, CorrectionForm, ImportForm, RecordHoursForm, StepReasonForm
from .models import (
    Activity,
    Certificate,
    CorrectionRequest,
    ImportJob,
    ServiceHourRecord,
    Shift,
    SignUp,
    Team,
    Volunteer,
)


class _DetailByPk(ScopedDetailView):
    slug_url_kwarg = "pk"


class VolunteerListView(ScopedListView):
    model = Volunteer
    filterset_class = VolunteerFilterSet
    template_name = "volunteers/volunteer_list.html"
    sort_fields = ["name", "registered_on", "approved_hours", "star_level"]
    default_sort = "-id"
    export_name = "volunteers"
    export_columns = [
        (gettext_lazy("Name"), "name"), (gettext_lazy("Resident ID number"), lambda v: v.id_number_masked or ""),
        (gettext_lazy("Phone"), lambda v: v.phone_masked or ""), (gettext_lazy("Home community"), "area.name"),
        (gettext_lazy("Registration date"), "registered_on"), (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Approved hours"), "approved_hours"), (gettext_lazy("Stars"), "star_level"),
    ]

    def base_queryset(self):
        # Rows and exports show the stored masked copies; nothing is decrypted for a list.
        return Volunteer.objects.select_related("area").defer("id_number", "phone", "id_number_index", "phone_index")


class VolunteerDetailView(_DetailByPk):
    model = Volunteer
    template_name = "volunteers/volunteer_detail.html"
    context_object_name = "volunteer"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        v = self.object
        ctx["records"] = v.hour_records.select_related("team", "activity").order_by("-service_date", "-id")[:200]
        ctx["certificates"] = v.certificates.select_related("team")
        ctx["memberships"] = v.memberships.select_related("team")
        ctx["trainings"] = v.trainings.select_related("session")
        ctx["can_reveal"] = _can_reveal(self.request.user)
        return ctx


class TeamListView(ScopedListView):
    model = Team
    filterset_class = TeamFilterSet
    template_name = "volunteers/team_list.html"
    sort_fields = ["name"]
    default_sort = "name"
    export_name = "volunteer-teams"
    export_columns = [(gettext_lazy("Name"), "name"), (gettext_lazy("Area"), "area.name"),
                      (gettext_lazy("Join mode"), "get_join_mode_display")]

    def base_queryset(self):
        return Team.objects.select_related("area")


class TeamDetailView(_DetailByPk):
    model = Team
    template_name = "volunteers/team_detail.html"
    context_object_name = "team"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_team_page(self.request.user, self.object)}


def _team_page(user, team) -> dict:
    """What the team page shows besides the team: roles, staff, members, activities, records awaiting
    approval and open correction requests."""
    return {
        "roles": services.team_roles(user, team),
        "staff": team.memberships.filter(user__isnull=False).select_related("user"),
        "members": list(_members_with_hours(team)[:200]),
        "activities": team.activities.all()[:50],
        "pending": list(team.hour_records.filter(status=RecordStatus.SUBMITTED).select_related("volunteer")[:100]),
        "corrections": list(CorrectionRequest.objects.filter(record__team=team, status="open")
                            .select_related("record", "volunteer")),
    }


class RefusedOnTeamPage:
    """For a kit step whose form is also on the team page (approve, answer a correction, decide a join
    request): posted from there (``on=team``), a refusal shows the team page again with the reason
    beside the item's form (or at the top of its card when the item has left the list) and what was
    typed kept, with the kit's status (400/403/409). From anywhere else the step's own page shows it."""

    refused = ""  # "record", "correction" or "member": which card of the team page
    listed_in = ""  # the team page's list of such items

    def team_of(self, obj):
        return obj.team

    def render_form(self, form, refusal=(), status=200):
        from django.template.response import TemplateResponse

        if (self.request.method != "POST" or self.request.POST.get("on") != "team"
                or getattr(self.request, "htmx", False)):
            return super().render_form(form, refusal, status)
        team = self.team_of(self.object)
        ctx = {"team": team, "object": team, **_team_page(self.request.user, team), "form": form,
               "refusal": list(refusal), "refused": self.refused, "refused_pk": self.object.pk,
               "refused_object": self.object}
        ctx["refused_listed"] = any(item.pk == self.object.pk for item in ctx[self.listed_in])
        return TemplateResponse(self.request, "volunteers/team_detail.html", ctx, status=status)


class ActivityDetailView(_DetailByPk):
    model = Activity
    template_name = "volunteers/activity_detail.html"
    context_object_name = "activity"


class ShiftDetailView(_DetailByPk):
    """The team's phone page for a shift: check in/out, no-show, record and approve hours."""

    model = Shift
    template_name = "volunteers/shift_detail.html"
    context_object_name = "shift"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        shift = self.object
        records = {r.volunteer_id: r for r in shift.hour_records.filter(reverses__isnull=True)
                   .exclude(status=RecordStatus.REJECTED)}
        signups = list(shift.signups.select_related("volunteer"))
        for s in signups:
            s.record = records.get(s.volunteer_id)
            s.default_hours = services.hours_from_signup(s)
        ctx.update(signups=signups, roles=services.team_roles(self.request.user, shift.activity.team),
                   ended=shift.ends_at <= timezone.now(), MANAGER=MemberRole.MANAGER)
        return ctx


class ShiftActionView(ScopedActionView):
    """A step of the team's staff on one sign-up of a shift (check in, check out, no-show, record its
    hours): the shift within the user's areas and the sign-up on that shift, or 404; the service checks
    the team role; a refusal is shown beside the kept input."""

    model = Shift
    scope_action = "view"
    STEPS = {"check-in": gettext_lazy("Check in %(name)s"), "check-out": gettext_lazy("Check out %(name)s"),
             "no-show": gettext_lazy("Mark %(name)s as a no-show"), "record": gettext_lazy("Record hours of %(name)s")}

    def get_queryset(self):
        return super().get_queryset().select_related("activity__team")

    def get_object(self):
        if self.kwargs["what"] not in self.STEPS:
            raise Http404
        shift = super().get_object()
        self.signup = shift.signups.select_related("volunteer").filter(pk=self.kwargs["signup_pk"]).first()
        if self.signup is None:
            raise Http404(_("No such record."))
        return shift

    def get_form_class(self):
        return RecordHoursForm if self.kwargs["what"] == "record" else super().get_form_class()

    def get_title(self):
        return self.STEPS[self.kwargs["what"]] % {"name": self.signup.volunteer.name}

    def perform(self, shift, form):
        what, signup = self.kwargs["what"], self.signup
        if what == "check-in":
            return services.check_in(actor=self.request.user, signup=signup)
        if what == "check-out":
            return services.check_out(actor=self.request.user, signup=signup)
        if what == "no-show":
            return services.mark_no_show(actor=self.request.user, signup=signup)
        record = services.record_hours(actor=self.request.user, volunteer=signup.volunteer, team=shift.activity.team,
                                       shift=shift, hours=form.cleaned_data["hours"],
                                       description=form.cleaned_data["description"], source="shift")
        messages.success(self.request, _("Hours recorded; they count once the team's manager approves them."))
        return record

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class RecordDecideView(RefusedOnTeamPage, ScopedActionView):
    """The team's manager approves, rejects (with a reason) or reverses (with a reason) a record."""

    model = ServiceHourRecord
    refused, listed_in = "record", "pending"
    form_class = StepReasonForm
    STEPS = {"approve": gettext_lazy("Approve %(record)s"), "reject": gettext_lazy("Reject %(record)s"),
             "reverse": gettext_lazy("Reverse %(record)s")}

    def get_queryset(self):
        return super().get_queryset().select_related("team", "volunteer")

    def get_object(self):
        if self.kwargs["what"] not in self.STEPS:
            raise Http404
        return super().get_object()

    def get_title(self):
        return self.STEPS[self.kwargs["what"]] % {"record": self.object}

    def get_initial(self):
        return {"next": self.request.GET.get("next", "")}

    def perform(self, record, form):
        what, reason = self.kwargs["what"], form.cleaned_data["reason"]
        if what == "approve":
            done = services.approve_record(actor=self.request.user, record=record)
            messages.success(self.request, _("Approved: the record joined the team's ledger."))
            return done
        if what == "reject":
            return services.reject_record(actor=self.request.user, record=record, reason=reason)
        return services.reverse_record(actor=self.request.user, record=record, reason=reason)

    def get_success_url(self, result):
        from django.utils.http import url_has_allowed_host_and_scheme

        wanted = self.request.POST.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return wanted
        return self.object.team.get_absolute_url()


class CorrectionAnswerView(RefusedOnTeamPage, ScopedActionView):
    """The team's manager accepts or rejects a volunteer's correction request, with an answer."""

    model = CorrectionRequest
    refused, listed_in = "correction", "corrections"
    form_class = CorrectionAnswerForm
    service = services.answer_correction
    object_arg = "correction"
    title = gettext_lazy("Answer the correction request")

    def get_queryset(self):
        return super().get_queryset().select_related("record__team")

    def team_of(self, correction):
        return correction.record.team

    def get_success_url(self, result):
        return self.object.record.team.get_absolute_url()


# --- the volunteer's own pages -------------------------------------------------------------------------
def _me(request) -> Volunteer:
    volunteer = Volunteer.objects.filter(user=request.user).select_related("area").first()
    if volunteer is None:
        raise Http404(_("Your account is not linked to a volunteer registration."))
    return volunteer


@login_required
def me(request):
    return render(request, "volunteers/me.html", _my_service(_me(request)))


def _my_service(volunteer, *, refused="", refused_pk=None, form=None, refused_object=None):
    """What "my service" shows; with ``refused`` ("checkin", "sign-up", "correction", "certificate") the
    refused step's ``form`` (its input kept) stands where it was, with the reason beside it."""
    records = list(volunteer.hour_records.select_related("team").order_by("-service_date", "-id")[:200])
    if refused == "correction" and refused_object is not None and refused_pk not in {r.pk for r in records}:
        records.insert(0, refused_object)  # an older record than the page lists: its refusal still shows
    for r in records:  # one form per record, each with its own ids; the refused one bound to what was typed
        mine = refused == "correction" and r.pk == refused_pk
        r.correction_form = form if mine else CorrectionForm(auto_id=f"id_correction{r.pk}_%s")
        r.refused = mine
    return {
        "volunteer": volunteer, "records": records, "teams": _my_certifying_teams(volunteer),
        "upcoming": volunteer.signups.filter(shift__ends_at__gte=timezone.now()).select_related("shift__activity"),
        "certificates": volunteer.certificates.select_related("team"),
        "checkin_form": form if refused == "checkin" else CheckInForm(),
        "refused": refused, "refused_pk": refused_pk,
        **_my_service_extras(volunteer),
    }


class _MyServiceStep(KitFormMixin, LoginRequiredMixin, View):
    """A step the volunteer takes on their own things from "my service": the thing is looked up among
    their own only (sign-ups, shifts of their teams, their records, teams that certified them), else
    404 before anything else; the form validated and the service called by the kit; a refusal shows
    "my service" again with the reason beside the form it came from and what was typed kept (400 bad
    input, 409 a refused step, 403 not allowed); done, back to "my service" with a message."""

    http_method_names = ["post"]
    scope_action = "view"
    template_name = partial_template_name = "volunteers/me.html"
    refused = ""  # which form of the page this step is

    def get_form_class(self):
        from django import forms

        return self.form_class or forms.Form

    def own(self, volunteer):
        """The volunteer's own things this step is taken on (a queryset)."""
        raise NotImplementedError

    def get_object(self):
        obj = self.own(self.volunteer).filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("No such record."))
        return obj

    def post(self, request, *args, **kwargs):
        self.volunteer = _me(request)
        self.object = self.get_object()
        form = self.get_form()
        return self.submit(form, lambda: self.perform(self.object, form))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "auto_id": f"id_{self.refused}{self.kwargs.get('pk', '')}_%s"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_my_service(self.volunteer, refused=self.refused, refused_pk=getattr(self.object, "pk", None),
                               form=kwargs.get("form"), refused_object=self.object))
        ctx["object"] = self.object
        return ctx

    def get_success_url(self, result):
        return reverse("volunteers:me")


class MyCheckInView(_MyServiceStep):
    """Check in (or, once in, out) with the shift's code, typed or from the QR code's page: only a
    sign-up of one's own has it."""

    model = SignUp
    form_class = CheckInForm
    refused = "checkin"

    def get_object(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "auto_id": "id_checkin_%s"}

    def render_form(self, form, refusal=(), status=200):
        if form.data.get("via") != "qr":
            return super().render_form(form, refusal, status)
        response = render(self.request, "volunteers/me_checkin.html", {
            "volunteer": self.volunteer, "code": str(form.data.get("code", ""))[:20], "refusal": list(refusal)},
            status=status)
        return response

    def perform(self, _none, form):
        code = form.cleaned_data["code"]
        signup = (SignUp.objects.filter(volunteer=self.volunteer, shift__checkin_code=code)
                  .exclude(status=SignUpStatus.CANCELLED).select_related("shift").first())
        if signup is None:
            raise ValidationError({"code": _("No shift of yours has this code.")})
        if signup.status == SignUpStatus.CHECKED_IN:
            done = services.check_out(actor=self.request.user, signup=signup, code=code)
            messages.success(self.request, _("Checked out. Thank you!"))
        else:
            done = services.check_in(actor=self.request.user, signup=signup, code=code)
            messages.success(self.request, _("Checked in."))
        return done


class MySignUpView(_MyServiceStep):
    """Sign up for a shift of one of one's own teams (the quota, then the waitlist)."""

    model = Shift
    refused = "sign-up"

    def own(self, volunteer):
        return _my_teams_shifts(volunteer).select_related("activity")

    def perform(self, shift, form):
        signup = services.sign_up(actor=self.request.user, shift=shift, volunteer=self.volunteer)
        messages.success(self.request, signup.get_status_display())
        return signup


class MyCorrectionView(_MyServiceStep):
    """Ask the team to correct one of one's own records (it must answer within 15 days)."""

    model = CorrectionRequest
    form_class = CorrectionForm
    refused = "correction"
    success_message = gettext_lazy("Your request was sent to the team; it must answer within 15 days.")

    def own(self, volunteer):
        return volunteer.hour_records.select_related("team")

    def perform(self, record, form):
        return services.request_correction(actor=self.request.user, record=record, **form.cleaned_data)


class MyCertificateView(_MyServiceStep):
    """A certificate of one's approved hours at a team that recorded them (谁记录谁证明), as a PDF."""

    model = Certificate
    refused = "certificate"

    def own(self, volunteer):
        return _my_certifying_teams(volunteer)

    def perform(self, team, form):
        return services.issue_certificate(actor=self.request.user, volunteer=self.volunteer, team=team)

    def get_success_url(self, result):
        return reverse("volunteers:certificate-pdf", args=[result.pk])


# The old names of the routes' views (tests and other modules may import them).
me_checkin = MyCheckInView.as_view()
me_sign_up = MySignUpView.as_view()
me_correction = MyCorrectionView.as_view()
me_certificate = MyCertificateView.as_view()


def _certificate_response(request, cert):
    pdf = certificates.render_pdf(cert, request.build_absolute_uri(cert.get_verify_url()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return response


class CertificatePdfView(_DetailByPk):
    """A certificate within the staff member's areas (404 outside them), as a PDF."""

    model = Certificate

    def get_queryset(self):
        return super().get_queryset().select_related("team", "volunteer", "area")

    def render_to_response(self, context, **kwargs):
        return _certificate_response(self.request, self.object)


@login_required
def me_certificate_pdf(request, pk):
    """The volunteer's own certificate: found among their own only (ownership, not area)."""
    return _certificate_response(request, get_object_or_404(Certificate.objects.select_related("team", "volunteer"),
                                                            pk=pk, volunteer__user=request.user))


def certificate_pdf(request, pk):
    """The certificate's one link (lists, "my service"): the volunteer's own certificate for its owner,
    otherwise the staff page scoped by area."""
    if request.user.is_authenticated and Certificate.objects.filter(pk=pk, volunteer__user=request.user).exists():
        return me_certificate_pdf(request, pk)
    return CertificatePdfView.as_view()(request, pk=pk)




# --- the public certificate check ------------------------------------------------------------------
_CHECK_INPUT_MAX = 500  # a pasted link is well under this; anything longer is no certificate
_VERIFY_PATH = re.compile(r"/certificates/([^/]+)/?$")


def _certificate_for(typed: str):
    """The certificate a visitor means by what they typed or pasted, or None.

    Accepts the verification code, the QR code's own link (with or without scheme, host, query or
    fragment), and the printed number in any case, with spaces, full-width characters of a
    Chinese input method or hyphens. Any other input, however hostile, is simply no certificate.
    """
    text = unicodedata.normalize("NFKC", typed or "").replace("\x00", "").strip()
    if not text or len(text) > _CHECK_INPUT_MAX:
        return None
    if "/" in text:
        try:
            path = urlsplit(text if "//" in text or text.startswith("/") else "//" + text).path
        except ValueError:  # e.g. an unclosed "[" in the host
            return None
        found = _VERIFY_PATH.search(path)
        if not found:
            return None
        text = unquote(found.group(1)).replace("\x00", "").strip()
    compact = re.sub(r"\s+", "", text)
    certs = Certificate.objects.select_related("team", "volunteer")
    if not compact:
        return None
    return (certs.filter(verify_code=compact).first()
            or certs.filter(number=compact.replace("-", "").upper()).first())


def _rate_limited(view):
    """Lookups are guesses too: each address gets PORTAL_CERTIFICATE_CHECKS_PER_MINUTE of them."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        wait = ratelimit.spend(request, "certificate-check", settings.PORTAL_CERTIFICATE_CHECKS_PER_MINUTE)
        if wait:
            response = render(request, "volunteers/certificate_rate_limited.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)
    return wrapper


def _show(request, cert, typed=""):
    if cert is None:
        return render(request, "volunteers/certificate_verify.html", {"cert": None, "typed": typed[:100]}, status=404)
    return render(request, "volunteers/certificate_verify.html",
                  {"cert": cert, "masked_name": certificates.mask_name(cert.volunteer.name)})


@_rate_limited
def certificate_verify(request, code):
    """Public: anyone holding the code (the QR code's link) sees the certificate's facts, the name masked."""
    return _show(request, _certificate_for(code), code)


@_rate_limited
def certificate_lookup(request):
    """Public: the form, and what was typed into it (number, code or the pasted link) looked up."""
    typed = request.GET.get("code", "")
    if not typed.strip():
        return render(request, "volunteers/certificate_verify.html", {"cert": None, "lookup": True})
    return _show(request, _certificate_for(typed), typed)


# --- imports ---------------------------------------------------------------------------------------------
def _import_limits():
    return {"mb": f"{settings.PORTAL_IMPORT_MAX_UPLOAD_MB:g}", "rows": f"{settings.PORTAL_IMPORT_MAX_ROWS:,}"}


class ImportStartView(ScopedCreateView):
    """Upload a file to import (it runs in the background), beside the user's recent imports."""

    model = ImportJob
    form_class = ImportForm
    template_name = "volunteers/import_start.html"
    submit_label = gettext_lazy("Import")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(jobs=ImportJob.objects.visible_to(self.request.user)[:20], kinds=ImportKind,
                   limits=_import_limits())
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.start_import(actor=self.request.user, kind=data["kind"], upload=data["file"],
                                     team=data.get("team"))


class _ImportJobs:
    """Imports a user sees (``imports.jobs_visible_to``): their own and their areas' unattributed ones,
    and the hours imports of the teams they manage; the job is looked up among them only."""

    model = ImportJob

    def get_queryset(self):
        from .imports import jobs_visible_to

        return super().get_queryset().select_related("team") & jobs_visible_to(self.request.user)


class ImportDetailView(_ImportJobs, _DetailByPk):
    template_name = "volunteers/import_detail.html"
    context_object_name = "job"

    def get_template_names(self):
        return ["volunteers/import_progress.html" if self.request.headers.get("HX-Request") else self.template_name]

    def get_context_data(self, **kwargs):
        from .imports import pending_of

        ctx = super().get_context_data(**kwargs)
        job, user = self.object, self.request.user
        pending = pending_of(job).count() if job.kind == ImportKind.SERVICE_HOURS and job.status == "done" else 0
        ctx["pending"] = pending
        ctx["can_approve"] = bool(pending) and job.created_by_id != user.pk and job.team_id is not None and (
            MemberRole.MANAGER in services.team_roles(user, job.team))
        return ctx


class ImportApproveView(_ImportJobs, ScopedActionView):
    """The team's manager approves every record of an hours import still awaiting approval."""

    scope_action = "view"  # seeing the job is enough to ask; the service checks the manager and recorder ≠ approver
    object_arg = "job"
    submit_label = gettext_lazy("Approve all pending records of this import")

    def get_title(self):
        return _("Approve the pending records of %(file)s") % {"file": self.object.filename}

    def perform(self, job, form):
        from .imports import approve_import

        count = approve_import(actor=self.request.user, job=job)
        messages.success(self.request, _("%(n)s records approved.") % {"n": count})
        return job


# --- helpers of the pages above (issue 16) ------------------------------------------------------------------
def _can_reveal(user) -> bool:
    from core.scope import scope_for
    from core.services import REVEAL_PERMISSION

    return scope_for(user).has_perm_somewhere(REVEAL_PERMISSION)


def _members_with_hours(team):
    """The team's volunteers, each with the approved hours they served for this team."""
    from django.db.models import Q, Sum

    from .choices import MembershipStatus

    served = Q(volunteer__hour_records__team=team, volunteer__hour_records__status=RecordStatus.APPROVED)
    return (team.memberships.filter(volunteer__isnull=False).select_related("volunteer")
            .annotate(team_hours=Sum("volunteer__hour_records__hours", filter=served))
            .order_by(_pending_first(MembershipStatus.PENDING), "volunteer__name"))


def _pending_first(pending):
    from django.db.models import Case, IntegerField, Value, When

    return Case(When(status=pending, then=Value(0)), default=Value(1), output_field=IntegerField())


def _my_teams_shifts(volunteer):
    """Shifts of the teams the volunteer is an approved member of: what "my service" may sign up for."""
    from .choices import MembershipStatus

    return Shift.objects.filter(activity__team__memberships__volunteer=volunteer,
                                activity__team__memberships__status=MembershipStatus.APPROVED).distinct()


def _my_certifying_teams(volunteer):
    return (Team.objects.filter(hour_records__volunteer=volunteer, hour_records__status=RecordStatus.APPROVED)
            .distinct())


def _my_service_extras(volunteer):
    """"My service" also lists the open shifts of the volunteer's teams and their correction requests."""
    from .choices import MembershipStatus

    open_shifts = (Shift.objects.filter(activity__team__memberships__volunteer=volunteer,
                                        activity__team__memberships__status=MembershipStatus.APPROVED,
                                        starts_at__gt=timezone.now())
                   .exclude(signups__volunteer=volunteer).select_related("activity__team").order_by("starts_at")[:20])
    corrections = volunteer.correction_requests.select_related("record__team")[:50]
    return {"open_shifts": open_shifts, "corrections": corrections}
