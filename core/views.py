import base64
import io
from functools import lru_cache

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import accounts, auditwords, selectors, services, workbench
from .choices import FindingStatus
from .filtersets import AreaFilterSet, AuditEventFilterSet, FindingFilterSet, StaffFilterSet
from .forms import FindingCloseForm, OTPForm, RevealForm
from .generic import ScopedActionView, ScopedDetailView, ScopedListView
from .models import Area, AuditEvent, Finding, StaffProfile
from .scope import scope_for


@login_required
def home(request):
    scope = scope_for(request.user)
    if not scope.role_slugs and hasattr(request.user, "volunteer"):  # a volunteer's own account: "my service"
        return redirect("volunteers:me")
    roots = selectors.top_areas(request.user)
    open_findings = Finding.objects.restrict(request.user).filter(status=FindingStatus.OPEN)
    return render(request, "core/home.html", {
        "roots": roots,
        "grants": request.user.grants.select_related("area").order_by("area__code"),
        "open_findings": open_findings.count(),
        "recent_findings": open_findings.select_related("area")[:5],
        "roles": sorted(scope.role_slugs),
        "work": workbench.workbench_for(request.user),
        "recent_done": [{"event": e, "what": auditwords.describe_action(e)}
                        for e in workbench.recent_done(request.user)],
    })


class AreaListView(ScopedListView):
    model = Area
    filterset_class = AreaFilterSet
    template_name = "core/area_list.html"
    sort_fields = ["code", "name", "level"]
    default_sort = "code"
    export_name = "areas"
    export_columns = [
        (gettext_lazy("Division code"), "code"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Level"), "get_level_display"),
        (gettext_lazy("Urban/rural"), "get_kind_display"),
        (gettext_lazy("Parent code"), "parent.code"),
    ]

    def base_queryset(self):
        return Area.objects.select_related("parent")


class AreaDetailView(ScopedDetailView):
    model = Area
    template_name = "core/area_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    context_object_name = "area"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        area = self.object
        ctx["breadcrumbs"] = selectors.visible_ancestors(self.request.user, area)
        ctx["children"] = selectors.children_with_counts(self.request.user, area)
        ctx["populations"] = area.populations.order_by("-year")[:5]
        ctx["summary"] = selectors.area_summary(area)
        ctx["can_change"] = scope_for(self.request.user).covers("core.change_area", area.code)
        return ctx


class FindingListView(ScopedListView):
    model = Finding
    filterset_class = FindingFilterSet
    template_name = "core/finding_list.html"
    sort_fields = ["due_date", "raised_at", "severity", "rule"]
    export_name = "findings"
    export_columns = [
        (gettext_lazy("Rule"), "rule"), (gettext_lazy("Severity"), "get_severity_display"), (gettext_lazy("Title"), "title"),
        (gettext_lazy("Area"), "area.name"), (gettext_lazy("Area code"), "area.code"), (gettext_lazy("Due date"), "due_date"),
        (gettext_lazy("Status"), "get_status_display"), (gettext_lazy("Raised"), "raised_at"),
    ]

    def base_queryset(self):
        return Finding.objects.select_related("area")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.GET:
            kwargs["data"] = {"status": FindingStatus.OPEN}
        return kwargs


class FindingCloseView(ScopedActionView):
    """Close (resolve or dismiss) a finding with a note: the kit's action page, so a refusal keeps the
    note and says why beside it; a finding outside the user's "change" scope is 404."""

    model = Finding
    form_class = FindingCloseForm
    service = services.close_finding
    object_arg = "finding"
    http_method_names = ["post"]  # the form lives on the findings list; a refusal renders the kit page
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Finding closed.")
    success_url = reverse_lazy("finding-list")

    def base_queryset(self):
        return Finding.objects.select_related("area")


class AuditEventListView(ScopedListView):
    """The audit log for auditors: actions and changes in words (the models' own labels), date
    pickers, filters by person and by record, exports in the same words. Scoped like every list:
    an auditor of the city reads every area, anyone else only the events of their areas."""

    model = AuditEvent
    filterset_class = AuditEventFilterSet
    template_name = "core/audit_list.html"
    paginate_by = 100
    sort_fields = ["created_at", "action"]
    default_sort = "-created_at"
    export_name = "audit-log"
    export_columns = [
        (gettext_lazy("Time"), "created_at"), (gettext_lazy("Person"), "actor_label"),
        (gettext_lazy("Action"), auditwords.describe_action), (gettext_lazy("Action code"), "action"),
        (gettext_lazy("Record type"), lambda e: str(m._meta.verbose_name) if (m := auditwords.model_of(e)) else e.target_type),
        (gettext_lazy("Record number"), "target_id"), (gettext_lazy("Record"), "target_label"),
        (gettext_lazy("Area code"), "area_code"), (gettext_lazy("Changes"), auditwords.changes_text),
        (gettext_lazy("Reason"), "reason"), (gettext_lazy("Request id"), "request_id"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = [{"event": e, "action": auditwords.describe_action(e),
                          "changes": auditwords.describe_changes(e)} for e in ctx["object_list"]]
        return ctx


class StaffListView(ScopedListView):
    model = StaffProfile
    filterset_class = StaffFilterSet
    template_name = "core/staff_list.html"
    sort_fields = ["full_name", "area__code"]
    default_sort = "area__code"
    export_name = "staff"
    export_columns = [
        (gettext_lazy("Name"), "full_name"), (gettext_lazy("Username"), "user.username"), (gettext_lazy("Area"), "area.name"),
        (gettext_lazy("ID number"), lambda p: p.id_number.masked if p.id_number else ""),
        (gettext_lazy("Phone"), lambda p: p.phone.masked if p.phone else ""),
        (gettext_lazy("Post"), "title"),
        (gettext_lazy("Roles and areas"), lambda p: "; ".join(
            f"{g.get_role_display()} · {g.area.name}" for g in p.user.grants.all())),
    ]

    def base_queryset(self):
        from django.db.models import Prefetch

        from .models import StaffGrant

        return StaffProfile.objects.select_related("user", "area").prefetch_related(
            Prefetch("user__grants", queryset=StaffGrant.objects.restrict(self.request.user, "view").select_related("area")
                     .order_by("area__code")))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_reveal"] = scope_for(self.request.user).has_perm_somewhere(services.REVEAL_PERMISSION)
        return ctx


@method_decorator(never_cache, name="dispatch")
class RevealView(ScopedActionView):
    """Show one personal value after a stated reason (HTMX fragment). The record is looked up in the
    user's "view" scope of its own model (404 outside it, or for a model that holds nothing
    revealable); the service checks the reveal right, writes the audit event and may set an expiry."""

    scope_action = "view"
    form_class = RevealForm
    http_method_names = ["post"]
    template_name = partial_template_name = "includes/reveal_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.model = {"staffprofile": StaffProfile, **selectors.revealable_models()}.get(kwargs["model"])
        if self.model is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        return {**ctx, "model": self.kwargs["model"], "pk": self.kwargs["pk"], "field": self.kwargs["field"]}

    def perform(self, obj, form):
        return services.reveal_personal_data(actor=self.request.user, instance=obj, field=self.kwargs["field"],
                                             reason=form.cleaned_data["reason"])

    def succeeded(self, plain):
        return render(self.request, "includes/revealed.html", {"value": plain})


@lru_cache(maxsize=2)
def _broker(url: str, timeout: float):
    """One client (and connection pool) per process: a new connection for every probe cost more
    than the rest of the probe (redis-py reads its package metadata for each one)."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _probe(check) -> str:
    try:
        return check() or "ok"
    except Exception as exc:  # any failure means unhealthy; report its type only
        return f"error: {type(exc).__name__}"


@never_cache
def healthz(request):
    """Which part is down, for load balancers and monitoring: the database, the cache and the
    Celery broker each answer "ok" (or "local" / "eager" without Redis) or "error: <type>", and any
    error makes the answer 503. Each probe gives up after the short cache timeouts, so a frozen
    Redis costs about a second, not a hung worker."""
    from django.conf import settings
    from django.core.cache import cache

    def database():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    def shared_cache():
        ping = getattr(cache, "ping", None)
        if ping is None:
            return "local"
        ping()

    def broker():
        if settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory://"):
            return "eager"
        _broker(settings.CELERY_BROKER_URL, max(settings.CACHE_SOCKET_TIMEOUT, 0.5)).ping()

    status = {"database": _probe(database), "cache": _probe(shared_cache), "broker": _probe(broker)}
    code = 503 if any(v.startswith("error") for v in status.values()) else 200
    status["status"] = "ok" if code == 200 else "degraded"
    return JsonResponse(status, status=code)


def _safe_next(request, default="home"):
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse(default)


@login_required
def otp_verify(request):
    """Second factor: enter a TOTP code, or enrol a device first (QR code shown once)."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        matched = match_token(user, code) if confirmed else (device if device.verify_token(code) else None)
        if matched is not None:
            if not confirmed:
                accounts.enrol_authenticator(actor=user, device=device)
            otp_login(request, matched)
            return redirect(_safe_next(request))
        form.add_error("code", _("The code is wrong or has expired."))
    qr_svg = None
    if not confirmed:
        import qrcode
        import qrcode.image.svg

        img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        buf = io.BytesIO()
        img.save(buf)
        qr_svg = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
    return render(request, "registration/otp_verify.html", {
        "form": form, "enrolling": not confirmed, "qr_svg": qr_svg,
        "secret": base64.b32encode(device.bin_key).decode() if not confirmed else None,
        "next": request.GET.get("next", ""),
    })


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (behind the second factor, core.middleware): audited, and the
    user's API token ends with the old password."""

    def form_valid(self, form):
        accounts.change_password(actor=self.request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)  # this session stays signed in
        return HttpResponseRedirect(self.get_success_url())


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
