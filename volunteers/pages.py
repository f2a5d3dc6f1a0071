"""Pages for the whole job in the browser (issue 16), on core's kit: register, edit, suspend and
cancel a volunteer, give them an account; teams, their staff and join requests; activities, shifts,
sign-ups and the check-in QR code; hours on a volunteer's behalf; training and social workers.

Each page is a kit view (form → service; a refusal beside the kept input; out of scope 404)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.generic import ScopedActionView, ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from core.personal import index_lookup

from . import pageforms as f
from . import services
from .filtersets import ApplicationFilterSet, SocialWorkerPageFilterSet, TrainingFilterSet
from .models import (
    Activity,
    Shift,
    SocialWorker,
    Team,
    TeamMembership,
    TrainingSession,
    Volunteer,
    VolunteerApplication,
)
from .views import RefusedOnTeamPage


# --- volunteers ------------------------------------------------------------------------------------------
class VolunteerCreateView(ScopedCreateView):
    model = Volunteer
    form_class = f.VolunteerForm
    title = gettext_lazy("Register a volunteer")
    submit_label = gettext_lazy("Register")
    success_message = gettext_lazy("Registered.")

    def perform(self, form):
        return services.register_volunteer(actor=self.request.user, **form.cleaned_data)


class VolunteerUpdateView(ScopedUpdateView):
    model = Volunteer
    form_class = f.VolunteerEditForm
    success_message = gettext_lazy("Saved.")

    def get_title(self):
        return _("Edit %(name)s") % {"name": self.object.name}

    def get_form_kwargs(self):
        kwargs = super(ScopedUpdateView, self).get_form_kwargs()
        v = self.object
        kwargs["initial"] = {"name": v.name, "area": v.area_id, "skills": v.skills, "service_fields": v.service_fields,
                             "guardian_name": v.guardian_name, "guardian_consent_on": v.guardian_consent_on}
        return kwargs

    def get_form(self):
        form = super().get_form()
        # The number is never put into the page in the clear: an empty field keeps it.
        form.fields["phone"].help_text = _("Now %(masked)s; leave empty to keep it.") % {
            "masked": self.object.phone_masked or "—"}
        return form

    def perform(self, obj, form):
        data = dict(form.cleaned_data)
        if not data.get("phone"):
            data.pop("phone")
        return services.update_volunteer(actor=self.request.user, volunteer=obj, **data)


STEP_TITLES = {"suspend": gettext_lazy("Suspend %(name)s"), "reactivate": gettext_lazy("Reactivate %(name)s"),
               "cancel": gettext_lazy("Cancel the registration of %(name)s")}


class VolunteerStepView(ScopedActionView):
    """Suspend, reactivate or cancel a registration, with the reason (audited)."""

    model = Volunteer
    form_class = f.ReasonForm

    def get_object(self):
        if self.kwargs["step"] not in STEP_TITLES:
            raise Http404
        return super().get_object()

    def get_title(self):
        return STEP_TITLES[self.kwargs["step"]] % {"name": self.object.name}

    def perform(self, obj, form):
        return services.change_volunteer_status(actor=self.request.user, volunteer=obj, step=self.kwargs["step"],
                                                reason=form.cleaned_data["reason"])


class VolunteerAccountView(ScopedActionView):
    """The officer opens the volunteer's own sign-in; the first password is shown here once."""

    model = Volunteer
    form_class = f.AccountForm
    submit_label = gettext_lazy("Create the account")

    def get_title(self):
        return _("An account for %(name)s") % {"name": self.object.name}

    def perform(self, obj, form):
        return services.create_volunteer_account(actor=self.request.user, volunteer=obj,
                                                 username=form.cleaned_data["username"])

    def succeeded(self, result):
        user, password = result
        template = ("volunteers/account_created_partial.html" if getattr(self.request, "htmx", False)
                    else "volunteers/account_created.html")
        response = render(self.request, template, {"volunteer": self.object, "account": user, "password": password})
        response["Cache-Control"] = "no-store"
        return response


# --- teams -----------------------------------------------------------------------------------------------
class TeamCreateView(ScopedCreateView):
    model = Team
    form_class = f.TeamForm
    title = gettext_lazy("New volunteer team")

    def perform(self, form):
        return services.create_team(actor=self.request.user, **form.cleaned_data)


class TeamUpdateView(ScopedUpdateView):
    model = Team
    form_class = f.TeamForm

    def get_title(self):
        return _("Edit %(name)s") % {"name": self.object.name}

    def perform(self, obj, form):
        return services.update_team(actor=self.request.user, team=obj, **form.cleaned_data)


class TeamStaffView(ScopedActionView):
    """Appoint a manager or a recorder (a staff user holding a role in the team's area)."""

    model = Team
    form_class = f.StaffForm
    service = services.appoint_team_staff
    submit_label = gettext_lazy("Appoint")

    def get_title(self):
        return _("Appoint staff of %(team)s") % {"team": self.object.name}

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class _MembershipStep(ScopedActionView):
    model = TeamMembership
    object_arg = "membership"

    def get_success_url(self, result):
        return reverse("volunteers:team-detail", args=[self.object.team_id])


class StaffRemoveView(_MembershipStep):
    form_class = f.ReasonForm
    service = services.remove_team_staff
    submit_label = gettext_lazy("Remove")

    def get_title(self):
        return _("Remove %(who)s") % {"who": self.object}


class JoinDecisionView(RefusedOnTeamPage, _MembershipStep):
    """A manager answers a volunteer's request to join (on the team page)."""

    refused, listed_in = "member", "members"
    form_class = f.DecisionForm
    service = services.decide_join_request


class _OnTeam(ScopedActionView):
    """A step taken on a team that people may only see (the service checks the finer permission)."""

    model = Team
    scope_action = "view"

    def get_success_url(self, result):
        return getattr(result, "get_absolute_url", self.object.get_absolute_url)()


class ActivityCreateView(_OnTeam):
    form_class = f.ActivityForm
    service = services.create_activity
    submit_label = gettext_lazy("Publish")

    def get_title(self):
        return _("New activity of %(team)s") % {"team": self.object.name}


class TeamHoursView(_OnTeam):
    """The team's recorder enters hours on a volunteer's behalf (谁组织谁记录)."""

    form_class = f.TeamHoursForm
    service = services.record_hours
    submit_label = gettext_lazy("Record")
    success_message = gettext_lazy("Hours recorded; they count once the team's manager approves them.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.object}

    def get_title(self):
        return _("Record hours for %(team)s") % {"team": self.object.name}

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class ShiftCreateView(ScopedActionView):
    model = Activity
    scope_action = "view"
    form_class = f.ShiftForm
    service = services.create_shift
    submit_label = gettext_lazy("Open for sign-up")

    def get_title(self):
        return _("New shift of %(activity)s") % {"activity": self.object.title}


class ShiftSignUpView(ScopedActionView):
    """Staff sign a member of the organising team up for a shift (the quota, then the waitlist)."""

    model = Shift
    scope_action = "view"
    form_class = f.MemberChoiceForm
    service = services.sign_up
    submit_label = gettext_lazy("Sign up")

    def get_queryset(self):
        return super().get_queryset().select_related("activity__team")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.object.activity.team}

    def get_title(self):
        return _("Sign up for %(shift)s") % {"shift": self.object}

    def get_success_url(self, result):
        return self.object.get_absolute_url()


class ShiftQrView(ScopedDetailView):
    """The shift's check-in QR code (SVG): it opens the volunteer's check-in page with the code filled in."""

    model = Shift
    slug_url_kwarg = "pk"

    def render_to_response(self, context, **kwargs):
        import io

        import qrcode
        import qrcode.image.svg

        url = self.request.build_absolute_uri(reverse("volunteers:me-checkin-code", args=[self.object.checkin_code]))
        buffer = io.BytesIO()
        qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12).save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response


# --- training --------------------------------------------------------------------------------------------
class TrainingListView(ScopedListView):
    model = TrainingSession
    filterset_class = TrainingFilterSet
    template_name = "volunteers/training_list.html"
    sort_fields = ["held_on", "title"]
    default_sort = "-held_on"
    export_name = "volunteer-training"
    export_columns = [
        (gettext_lazy("Title"), "title"), (gettext_lazy("Topic"), "get_topic_display"),
        (gettext_lazy("Area"), "area.name"), (gettext_lazy("Held on"), "held_on"),
        (gettext_lazy("Organiser"), "organiser"),
        (gettext_lazy("Jointly with the civilisation office"),
         lambda t: _("Yes") if t.with_civilisation_office else _("No")),
        (gettext_lazy("Attendance"), "attended"),
    ]

    def base_queryset(self):
        from django.db.models import Count

        return TrainingSession.objects.select_related("area").annotate(attended=Count("attendances"))


class TrainingCreateView(ScopedCreateView):
    model = TrainingSession
    form_class = f.TrainingForm
    title = gettext_lazy("New training session")
    success_url = reverse_lazy("volunteers:training-list")

    def perform(self, form):
        return services.create_training(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("volunteers:training-detail", args=[result.pk])


class TrainingDetailView(ScopedDetailView):
    model = TrainingSession
    slug_url_kwarg = "pk"
    template_name = "volunteers/training_detail.html"
    context_object_name = "session"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["attendances"] = self.object.attendances.select_related("volunteer__area").order_by("volunteer__name")
        ctx["form"] = f.AttendanceForm()
        return ctx


class AttendanceView(ScopedActionView):
    """Attendance by the volunteers' ID numbers (exact, through the blind index), one per line."""

    model = TrainingSession
    scope_action = "view"
    form_class = f.AttendanceForm
    submit_label = gettext_lazy("Record attendance")

    def get_title(self):
        return _("Attendance of %(session)s") % {"session": self.object}

    def perform(self, obj, form):
        people, missing = [], []
        visible = Volunteer.objects.restrict(self.request.user, "view")
        lines = [line.strip() for line in form.cleaned_data["id_numbers"].splitlines() if line.strip()]
        for n, line in enumerate(lines, 1):
            found = visible.filter(**index_lookup(Volunteer, "id_number", line)).first()
            if found is None:
                missing.append(_("line %(n)s: no volunteer in your areas has this ID number") % {"n": n})
            else:
                people.append(found)
        if missing:
            raise ValidationError({"id_numbers": missing})
        return services.record_attendance(actor=self.request.user, session=obj, volunteers=people)

    def get_success_url(self, result):
        return reverse("volunteers:training-detail", args=[self.object.pk])


# --- social-work professionals ----------------------------------------------------------------------------
class SocialWorkerListView(ScopedListView):
    model = SocialWorker
    filterset_class = SocialWorkerPageFilterSet
    template_name = "volunteers/socialworker_list.html"
    sort_fields = ["name", "certified_year"]
    default_sort = "-id"
    export_name = "social-workers"
    export_columns = [
        (gettext_lazy("Name"), "name"), (gettext_lazy("Resident ID number"), lambda w: w.id_number.masked),
        (gettext_lazy("Qualification"), "get_level_display"), (gettext_lazy("Certificate number"), "certificate_no"),
        (gettext_lazy("Year obtained"), "certified_year"), (gettext_lazy("Employer"), "employer"),
        (gettext_lazy("Area"), "area.name"),
    ]

    def base_queryset(self):
        return SocialWorker.objects.select_related("area")


class SocialWorkerCreateView(ScopedCreateView):
    model = SocialWorker
    form_class = f.SocialWorkerForm
    title = gettext_lazy("Register a social-work professional")
    success_url = reverse_lazy("volunteers:socialworker-list")

    def perform(self, form):
        return services.register_social_worker(actor=self.request.user, **form.cleaned_data)


class SocialWorkerUpdateView(ScopedUpdateView):
    model = SocialWorker
    form_class = f.SocialWorkerEditForm
    success_url = reverse_lazy("volunteers:socialworker-list")

    def get_title(self):
        return _("Edit %(name)s") % {"name": self.object.name}

    def get_form_kwargs(self):
        kwargs = super(ScopedUpdateView, self).get_form_kwargs()
        w = self.object
        kwargs["initial"] = {"name": w.name, "level": w.level, "certificate_no": w.certificate_no,
                             "certified_year": w.certified_year, "employer": w.employer, "area": w.area_id}
        return kwargs

    def perform(self, obj, form):
        return services.update_social_worker(actor=self.request.user, worker=obj, **form.cleaned_data)


# --- the volunteer's own check-in by QR code --------------------------------------------------------------
def me_checkin_code(request, code):
    """Where the shift's QR code leads: the volunteer's own check-in, the code filled in (one tap)."""
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from .views import _me

    volunteer = _me(request)
    return render(request, "volunteers/me_checkin.html", {"volunteer": volunteer, "code": code.strip().upper()[:8]})


# --- residents register themselves; the area's volunteer officer decides (issue 16) ------------------------
def self_register(request):
    """Public: a resident's own registration as a volunteer. Refusals of their own facts (an invalid
    ID number, under 14, no consent) are shown beside what they typed; anything stored is answered the
    same way, registered before or not (no existence oracle). Posts are rate-limited per address."""
    from django.conf import settings
    from django.db import transaction

    from core import ratelimit
    from core.generic import refusal_lines

    from .applications import submit_application

    if request.GET.get("done") == "1":
        return render(request, "volunteers/self_register_done.html")
    form = f.SelfRegistrationForm(request.POST or None)
    refusal, status = [], 200
    if request.method == "POST":
        per_minute = getattr(settings, "PORTAL_VOLUNTEER_REGISTRATIONS_PER_MINUTE", 5)
        wait = ratelimit.spend(request, "volunteer-register", per_minute)
        if wait:
            response = render(request, "volunteers/certificate_rate_limited.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if not form.is_valid():
            from core.generic import label_of

            refusal = [f"{label_of(form, None, name)}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
                       for name, errors in form.errors.items()]
            status = 400
        else:
            try:
                with transaction.atomic():
                    submit_application(**form.cleaned_data)
            except ValidationError as exc:
                refusal, status = refusal_lines(form, None, exc), 400
            else:
                from django.shortcuts import redirect

                return redirect(reverse("volunteers:self-register") + "?done=1")
    response = render(request, "volunteers/self_register.html", {
        "form": form, "refusal": refusal, "form_id": "kit-form-register", "action_url": request.get_full_path(),
        "submit_label": _("Submit my registration")}, status=status)
    response["Cache-Control"] = "no-store"  # an ID number typed into the page is not kept by a cache
    return response


class ApplicationListView(ScopedListView):
    """Self-registrations of the officer's areas, the pending first."""

    model = VolunteerApplication
    filterset_class = ApplicationFilterSet
    template_name = "volunteers/application_list.html"
    sort_fields = ["created_at", "name"]
    default_sort = "-id"

    def base_queryset(self):
        return self.model.objects.select_related("area").defer("id_number", "phone")


class ApplicationDecideView(ScopedActionView):
    """The officer reads a self-registration (ID and phone masked) and approves or refuses it."""

    model = VolunteerApplication
    form_class = f.ApplicationDecisionForm
    template_name = "volunteers/application_decide.html"
    submit_label = gettext_lazy("Decide")
    object_arg = "application"

    def get_title(self):
        return _("Volunteer self-registration of %(name)s") % {"name": self.object.name}

    def get_context_data(self, **kwargs):
        from .applications import already_registered

        ctx = super().get_context_data(**kwargs)
        ctx["application"] = self.object
        ctx["registered"] = already_registered(self.object) if self.object.status == "pending" else None
        return ctx

    def perform(self, obj, form):
        from .applications import decide_application

        return decide_application(actor=self.request.user, application=obj, **form.cleaned_data)

    def succeeded(self, result):
        from django.contrib import messages
        from django.shortcuts import redirect

        application, user, password = result
        if user is not None:
            response = render(self.request, "volunteers/account_created.html",
                              {"volunteer": application.volunteer, "account": user, "password": password})
            response["Cache-Control"] = "no-store"
            return response
        messages.success(self.request, application.get_status_display())
        target = application.volunteer.get_absolute_url() if application.volunteer_id else reverse(
            "volunteers:application-list")
        if getattr(self.request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
