"""Pages of the volunteers app: staff lists and details, the team's shift page (record, approve),
the volunteer's own page (check in, corrections, certificates) and the public verification page."""

import functools
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import ratelimit
from core.exceptions import NoPermission, TransitionRefused
from core.generic import ScopedDetailView, ScopedListView

from . import certificates, services
from .choices import ImportKind, MemberRole, RecordStatus, SignUpStatus
from .filtersets import TeamFilterSet, VolunteerFilterSet
from .forms import CorrectionForm, ImportForm, RecordHoursForm
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


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(m for msgs in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
                         for m in msgs)
    return str(getattr(exc, "reason", exc))


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
        ctx = super().get_context_data(**kwargs)
        team = self.object
        ctx["roles"] = services.team_roles(self.request.user, team)
        ctx["staff"] = team.memberships.filter(user__isnull=False).select_related("user")
        ctx["members"] = _members_with_hours(team)[:200]
        ctx["activities"] = team.activities.all()[:50]
        ctx["pending"] = team.hour_records.filter(status=RecordStatus.SUBMITTED).select_related("volunteer")[:100]
        ctx["corrections"] = CorrectionRequest.objects.filter(record__team=team, status="open").select_related(
            "record", "volunteer")
        return ctx


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


def _shift_for_staff(request, pk) -> Shift:
    shift = Shift.objects.restrict(request.user, "view").select_related("activity__team").filter(pk=pk).first()
    if shift is None:
        raise Http404
    return shift


@require_POST
@login_required
def shift_action(request, pk, signup_pk, what):
    shift = _shift_for_staff(request, pk)
    signup = get_object_or_404(SignUp, pk=signup_pk, shift=shift)
    try:
        if what == "check-in":
            services.check_in(actor=request.user, signup=signup)
        elif what == "check-out":
            services.check_out(actor=request.user, signup=signup)
        elif what == "no-show":
            services.mark_no_show(actor=request.user, signup=signup)
        elif what == "record":
            form = RecordHoursForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.record_hours(actor=request.user, volunteer=signup.volunteer, team=shift.activity.team,
                                  shift=shift, hours=form.cleaned_data["hours"],
                                  description=form.cleaned_data["description"], source="shift")
            messages.success(request, _("Hours recorded; they count once the team's manager approves them."))
        else:
            raise Http404
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    return redirect(shift.get_absolute_url())


@require_POST
@login_required
def record_decide(request, pk, what):
    record = ServiceHourRecord.objects.restrict(request.user, "change").filter(pk=pk).first()
    if record is None:
        raise Http404
    try:
        if what == "approve":
            services.approve_record(actor=request.user, record=record)
            messages.success(request, _("Approved: the record joined the team's ledger."))
        elif what == "reject":
            services.reject_record(actor=request.user, record=record, reason=request.POST.get("reason", ""))
        elif what == "reverse":
            services.reverse_record(actor=request.user, record=record, reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    return redirect(request.POST.get("next") or record.team.get_absolute_url())


@require_POST
@login_required
def correction_answer(request, pk):
    correction = CorrectionRequest.objects.restrict(request.user, "change").filter(pk=pk).first()
    if correction is None:
        raise Http404
    try:
        services.answer_correction(actor=request.user, correction=correction,
                                   accept=request.POST.get("accept") == "1", answer=request.POST.get("answer", ""))
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    return redirect(correction.record.team.get_absolute_url())


# --- the volunteer's own pages -------------------------------------------------------------------------
def _me(request) -> Volunteer:
    volunteer = Volunteer.objects.filter(user=request.user).select_related("area").first()
    if volunteer is None:
        raise Http404(_("Your account is not linked to a volunteer registration."))
    return volunteer


@login_required
def me(request):
    volunteer = _me(request)
    records = volunteer.hour_records.select_related("team").order_by("-service_date", "-id")[:200]
    teams = (Team.objects.filter(hour_records__volunteer=volunteer, hour_records__status=RecordStatus.APPROVED)
             .distinct())
    upcoming = volunteer.signups.filter(shift__ends_at__gte=timezone.now()).select_related("shift__activity")
    return render(request, "volunteers/me.html", {
        "volunteer": volunteer, "records": records, "teams": teams, "upcoming": upcoming,
        "certificates": volunteer.certificates.select_related("team"), "correction_form": CorrectionForm(),
        **_my_service_extras(volunteer),
    })


@require_POST
@login_required
def me_checkin(request):
    volunteer = _me(request)
    code = request.POST.get("code", "").strip().upper()
    signup = (SignUp.objects.filter(volunteer=volunteer, shift__checkin_code=code)
              .exclude(status=SignUpStatus.CANCELLED).first())
    try:
        if signup is None:
            raise ValidationError(_("No shift of yours has this code."))
        if signup.status == SignUpStatus.CHECKED_IN:
            services.check_out(actor=request.user, signup=signup, code=code)
            messages.success(request, _("Checked out. Thank you!"))
        else:
            services.check_in(actor=request.user, signup=signup, code=code)
            messages.success(request, _("Checked in."))
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    return redirect("volunteers:me")


@require_POST
@login_required
def me_sign_up(request, shift_pk):
    volunteer = _me(request)
    shift = get_object_or_404(Shift, pk=shift_pk)
    try:
        signup = services.sign_up(actor=request.user, shift=shift, volunteer=volunteer)
        messages.success(request, signup.get_status_display())
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    return redirect("volunteers:me")


@require_POST
@login_required
def me_correction(request, record_pk):
    volunteer = _me(request)
    record = get_object_or_404(ServiceHourRecord, pk=record_pk, volunteer=volunteer)
    form = CorrectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.request_correction(actor=request.user, record=record, **form.cleaned_data)
        messages.success(request, _("Your request was sent to the team; it must answer within 15 days."))
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    return redirect("volunteers:me")


@require_POST
@login_required
def me_certificate(request, team_pk):
    volunteer = _me(request)
    team = get_object_or_404(Team, pk=team_pk)
    try:
        cert = services.issue_certificate(actor=request.user, volunteer=volunteer, team=team)
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
        return redirect("volunteers:me")
    return redirect("volunteers:certificate-pdf", cert.pk)


@login_required
def certificate_pdf(request, pk):
    """The volunteer's own certificate, or one within the staff member's areas."""
    cert = Certificate.objects.filter(pk=pk, volunteer__user=request.user).first() or \
        Certificate.objects.restrict(request.user, "view").filter(pk=pk).first()
    if cert is None:
        raise Http404
    pdf = certificates.render_pdf(cert, request.build_absolute_uri(cert.get_verify_url()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return response


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
@login_required
def import_start(request):
    from core.scope import scope_for

    scope = scope_for(request.user)
    if not scope.has_perm_somewhere("volunteers.add_importjob"):
        raise NoPermission(_("You do not have permission to see this page."))
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(actor=request.user, kind=form.cleaned_data["kind"],
                                        upload=form.cleaned_data["file"], team=form.cleaned_data.get("team"))
        except (ValidationError, NoPermission) as exc:
            messages.error(request, _error_text(exc))
        else:
            return redirect(job.get_absolute_url())
    from django.conf import settings

    jobs = ImportJob.objects.visible_to(request.user)[:20]
    limits = {"mb": f"{settings.PORTAL_IMPORT_MAX_UPLOAD_MB:g}", "rows": f"{settings.PORTAL_IMPORT_MAX_ROWS:,}"}
    return render(request, "volunteers/import_start.html",
                  {"form": form, "jobs": jobs, "kinds": ImportKind, "limits": limits})


@login_required
def import_detail(request, pk):
    from .imports import jobs_visible_to, pending_of

    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    template = "volunteers/import_progress.html" if request.headers.get("HX-Request") else "volunteers/import_detail.html"
    pending = pending_of(job).count() if job.kind == ImportKind.SERVICE_HOURS and job.status == "done" else 0
    can_approve = bool(pending) and job.created_by_id != request.user.pk and job.team_id is not None and (
        MemberRole.MANAGER in services.team_roles(request.user, job.team))
    return render(request, template, {"job": job, "pending": pending, "can_approve": can_approve})


@require_POST
@login_required
def import_approve(request, pk):
    """The team's manager approves every record of an hours import still awaiting approval."""
    from .imports import approve_import, jobs_visible_to

    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    try:
        count = approve_import(actor=request.user, job=job)
    except (ValidationError, TransitionRefused, NoPermission) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(n)s records approved.") % {"n": count})
    return redirect(job.get_absolute_url())



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


def _my_service_extras(volunteer):
    """"My service" also lists the open shifts of the volunteer's teams and their correction requests."""
    from .choices import MembershipStatus

    open_shifts = (Shift.objects.filter(activity__team__memberships__volunteer=volunteer,
                                        activity__team__memberships__status=MembershipStatus.APPROVED,
                                        starts_at__gt=timezone.now())
                   .exclude(signups__volunteer=volunteer).select_related("activity__team").order_by("starts_at")[:20])
    corrections = volunteer.correction_requests.select_related("record__team")[:50]
    return {"open_shifts": open_shifts, "corrections": corrections}
