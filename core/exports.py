"""Protected, expiring exports of read-audited records (issue 15: "Exports are protected and expire").

A list page of a read-audited model (``read_audited = True``) does not stream its ``?export=csv|xlsx``:
the link leads to a small form (reason and format; the filters stay in the URL). On a stated reason the
file is built once, audited (``record_export`` and the read-audit of every row in it, as a direct export
is), stored encrypted (``EncryptedFileSystemStorage``) and recorded as a ``core.ProtectedExport``. Only
the user who made it may download it (``/exports/<uuid>/``), only until it expires
(``PORTAL_PROTECTED_EXPORT_HOURS``, 24 by default); anyone else, and anyone after expiry, gets 404.
The page 我的导出 (``/exports/``) lists the user's unexpired exports; a periodic sweep deletes the files
of expired ones (``core.sweep_protected_exports``).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from . import services
from .readaudit import audit_read, purpose_of
from .tabular import csv_stream, xlsx_bytes

TEMPLATE = "core/protected_export_form.html"


class ProtectedExportForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Why do you need this export?")}))
    fmt = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")])


def _filters(request) -> dict:
    return {k: v for k, v in request.GET.items() if k not in ("export", "page")}


def _form_page(view, form, status=200):
    params = view.request.GET.copy()
    for key in ("export", "page"):
        params.pop(key, None)
    return render(view.request, TEMPLATE, {
        "form": form, "querystring": params.urlencode(), "filters": _filters(view.request),
        "what": view.model._meta.verbose_name_plural, "hours": services.protected_export_hours(),
        "back": f"{view.request.path}?{params.urlencode()}" if params else view.request.path,
    }, status=status)


def export_request_form(view, fmt):
    """``?export=`` on a read-audited list: the form asking for the reason (nothing is built or audited yet)."""
    return _form_page(view, ProtectedExportForm(initial={"fmt": fmt}))


def create_export_from_form(view):
    request = view.request
    form = ProtectedExportForm(request.POST)
    if not form.is_valid():
        return _form_page(view, form, status=400)
    filterset = view.get_filterset(view.get_filterset_class())
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else view.get_queryset().none()
    count = qs.count()
    if refusal := view.too_many(count):
        return refusal
    fmt = form.cleaned_data["fmt"]
    header = [str(h) for h, _a in view.export_columns]
    rows = view.export_rows(qs)
    content = (xlsx_bytes(header, rows, title=view.export_name) if fmt == "xlsx"
               else "".join(csv_stream(header, rows)).encode("utf-8"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    try:
        export = services.create_protected_export(
            actor=request.user, what=view.export_name, fmt=fmt, content=content, rows=count,
            reason=form.cleaned_data["reason"], filters=_filters(request), filename=f"{view.export_name}-{stamp}",
            model=view.model)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _form_page(view, form, status=400)
    audit_read(request, qs, f"{purpose_of(view)} export {fmt}")
    messages.success(request, _("Your export is ready; it can be downloaded until %(when)s.")
                     % {"when": timezone.localtime(export.expires_at).strftime("%Y-%m-%d %H:%M")})
    return redirect("my-exports")


@login_required
@never_cache
def my_exports(request):
    """我的导出: the signed-in user's own unexpired protected exports."""
    from .models import ProtectedExport

    exports = ProtectedExport.objects.filter(user=request.user, expires_at__gt=timezone.now()).exclude(file="")
    return render(request, "core/my_exports.html", {"exports": exports[:200]})


@login_required
def download(request, token):
    """The file, to its maker only and only before it expires; 404 otherwise (existence is never told)."""
    export, handle = services.download_protected_export(actor=request.user, token=token)
    if export is None:
        raise Http404(_("No such record."))
    response = FileResponse(handle, as_attachment=True, filename=export.filename,
                            content_type="text/csv; charset=utf-8" if export.fmt == "csv" else
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
