"""The indicator dashboard: pick an area and a period; cards, charts over the children, a trend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import NoPermission
from core.generic import export_response
from core.scope import scope_for, shared_version
from portal.celery import TaskQueueUnavailable

from . import selectors, services
from .choices import RunTrigger
from .periods import Period
from .registry import REGISTRY, Unit, permissions_held, visible

EXPORT_HEADER = [
    (gettext_lazy("Division code"), "code"), (gettext_lazy("Area"), "area"), (gettext_lazy("Period"), "period"),
    (gettext_lazy("Indicator code"), "indicator"), (gettext_lazy("Indicator"), "name"),
    (gettext_lazy("Value"), "value"), (gettext_lazy("Unit"), "unit"), (gettext_lazy("Numerator"), "numerator"),
    (gettext_lazy("Denominator"), "denominator"), (gettext_lazy("Target"), "target"),
    (gettext_lazy("Target met"), "met"), (gettext_lazy("Note"), "note"), (gettext_lazy("Computed"), "computed_at"),
]


def _require_view(user):
    if not scope_for(user).has_perm_somewhere(selectors.VIEW_PERM):
        raise NoPermission(_("You do not have permission to see this page."))


# The year of the source's figures (the bureau's 2020 report), always one click away.
SOURCE_PERIOD = "2020"


def _period_from(request, available):
    """The period asked for; by default the current year (its values may not be computed yet: the
    page then says so and links the periods that have values, the source year first)."""
    current = str(timezone.localdate().year)
    text = request.GET.get("period") or current
    try:
        return Period.parse(text), None
    except ValidationError as exc:
        return Period.parse(current), exc.messages[0]


def _cell(v, key):
    ind = REGISTRY.get(v.indicator)
    if key == "code":
        return v.area.code
    if key == "area":
        return v.area.name
    if key == "name":
        return str(ind.name) if ind else v.indicator
    if key == "unit":
        return str(Unit(ind.unit).label) if ind else ""
    applies = bool(ind and ind.target and ind.target.applies_at(v.area.level, ind.unit))
    if key == "target":
        return str(ind.target) if applies else ""
    if key == "met":
        if not applies or v.value is None:
            return ""
        return _("yes") if ind.target.met(float(v.value)) else _("no")
    if key in ("value", "numerator", "denominator"):
        value = getattr(v, key)
        return None if value is None else (int(value) if value == int(value) else float(value))
    if key == "computed_at":
        return timezone.localtime(v.computed_at).strftime("%Y-%m-%d %H:%M")
    return getattr(v, key)


def _export(request, area, period, fmt):
    rows = selectors.export_rows(request.user, area, period)
    held = {v.area.code: permissions_held(request.user, v.area.code) for v in rows}
    rows = [v for v in rows if visible(REGISTRY.get(v.indicator), held[v.area.code])]
    services.record_values_export(actor=request.user, area_code=area.code, period=period.key, fmt=fmt,
                                  count=len(rows))
    header = [h for h, _k in EXPORT_HEADER]
    data = ([_cell(v, k) for _h, k in EXPORT_HEADER] for v in rows)
    return export_response(header, data, fmt, f"indicators-{area.code}-{period.key}",
                           title=f"{area.code}-{period.key}")


def _dashboard_data(user, area, period, held):
    # A restricted indicator is shown only to who holds its permission over the whole area; its
    # children's values and trend are parts of its card, never shown without it.
    cards = [c for c in selectors.dashboard(user, area, period) if visible(c.indicator, held)]
    return {"cards": cards, "child_rows": selectors.child_rows(cards),
            "charts": {"area": area.code, "period": period.key, "url": reverse("reports-dashboard"),
                       "indicators": [c.chart() for c in cards]}}


def _cached_fragments(request, area, period, version, access_version, indicator_access) -> dict:
    """The page's three cached fragments (breadcrumbs, area picker, indicators) read in ONE cache
    round trip; the template's ``{% cache %}`` tags (same names and keys) build and store only
    those missing. Keeps the dashboard within 1.5x of /healthz (bench/reports_aggregate.py)."""
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key
    from django.utils.translation import get_language

    keys = {
        "breadcrumbs": make_template_fragment_key(
            "reports_breadcrumbs", [request.user.pk, area.code, period.key, access_version]),
        "area_choices": make_template_fragment_key("reports_area_choices", [request.user.pk, area.code, access_version]),
        "dashboard": make_template_fragment_key(
            "reports_dashboard", [area.code, period.key, version, get_language(), indicator_access]),
    }
    found = cache.get_many(list(keys.values()))
    return {name: found.get(key) for name, key in keys.items()}


@login_required
def dashboard(request):
    _require_view(request.user)
    code = request.GET.get("area")
    area = selectors.area_in_scope(request.user, code) if code else selectors.default_area(request.user)
    available, version = selectors.periods_with_values()
    period, period_error = _period_from(request, available)
    if area is None:
        return render(request, "reports/dashboard.html", {"area": None, "periods": available, "period": period})
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _export(request, area, period, fmt)
    held = permissions_held(request.user, area.code)
    access_version = shared_version()
    indicator_access = ",".join(held) or "-"
    fragments = _cached_fragments(request, area, period, version, access_version, indicator_access)
    return render(request, "reports/dashboard.html", {
        "fragments": fragments,
        "area": area, "period": period, "periods": available, "period_error": period_error,
        # Built only when the cached fragment is missing. It is keyed by area, period, the latest
        # run and the indicator permissions the user holds over the area ("indicator_access"):
        # every value below an area the user may open is theirs to see, except restricted
        # indicators', so users who hold the same of those permissions share the fragment.
        "data": SimpleLazyObject(lambda: _dashboard_data(request.user, area, period, held)),
        "version": version,
        "indicator_access": indicator_access,
        # The breadcrumbs and the area picker depend on the user's areas and the territory only:
        # built when their cached fragment (keyed by user, area and the shared access version,
        # which any change to grants or areas bumps) is missing.
        "access_version": access_version,
        "breadcrumbs": SimpleLazyObject(lambda: selectors.breadcrumbs(request.user, area)),
        "area_choices": SimpleLazyObject(lambda: selectors.area_choices(request.user, area)),
        "can_run": scope_for(request.user).has_perm_somewhere("reports.add_reportrun"),
        "query": urlencode({"area": area.code, "period": period.key}),
        "source_period": SOURCE_PERIOD,
        "current_period": str(timezone.localdate().year),
    })


@login_required
@require_POST
def start_run(request):
    period = request.POST.get("period", "")
    try:
        run = services.request_run(actor=request.user, period=period, trigger=RunTrigger.DASHBOARD)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except TaskQueueUnavailable:  # the broker is down or frozen: the run was recorded as failed
        messages.error(request, _("Background tasks are temporarily unavailable; try again in a few minutes."))
    else:
        if request.headers.get("HX-Request"):
            return render(request, "reports/run_progress.html", {"run": run, "area": request.POST.get("area", "")})
        messages.success(request, _("Aggregation run #%(id)s for %(period)s requested.") % {
            "id": run.pk, "period": run.period})
    if request.headers.get("HX-Request"):
        return render(request, "reports/run_progress.html", {"run": None, "error": True})
    back = request.POST.get("area")
    params = {"period": period} if not back else {"period": period, "area": back}
    return redirect(f"{reverse('reports-dashboard')}?{urlencode(params)}")


@login_required
def run_progress(request, pk):
    """How far a run is (HTMX polls this every two seconds until it has finished): status, areas
    and values written. Runs are city-wide and hold no area's records; only who may start one sees it."""
    from django.http import Http404

    from .models import ReportRun

    if not scope_for(request.user).has_perm_somewhere("reports.add_reportrun"):
        raise Http404
    run = ReportRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    return render(request, "reports/run_progress.html", {"run": run, "area": request.GET.get("area", "")})
