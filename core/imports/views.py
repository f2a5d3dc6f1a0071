"""Generic import pages for every registered importer (``core.imports``), keyed by its ``key``:

- ``/imports/``: the imports the user may run (importer's permission held somewhere), with the
  templates and the user's recent jobs;
- ``/imports/<key>/``: upload (the file, and the area it is for when the importer needs one); a
  refused file shows the reason beside the form, the area chosen kept;
- ``/imports/jobs/<pk>/``: the preview (created / updated / unchanged, errors by line and the
  file's own header), the confirm button, then progress (HTMX) and the result;
- ``/imports/jobs/<pk>/confirm/`` (POST), ``/imports/jobs/<pk>/errors.<fmt>`` (the error report);
- ``/imports/<key>/template.<fmt>``: the template with the Chinese headers.

An import the user may not run does not exist for them (404), nor does a job they may not see.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import NoPermission, TransitionRefused
from core.generic import export_response

from . import base, services
from .models import StagedImportStatus


class UploadForm(forms.Form):
    area = forms.ModelChoiceField(label=gettext_lazy("Area the file is for"), queryset=None, required=False)
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"),
                           help_text=gettext_lazy("After a refusal, choose the file again: browsers do not "
                                                  "keep a chosen file."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}))

    def __init__(self, *args, user, importer, **kwargs):
        super().__init__(*args, **kwargs)
        if importer.needs_area():
            self.fields["area"].queryset = services.area_choices(user, importer)
            self.fields["area"].required = True
            self.fields["area"].widget.attrs["class"] = "form-select"
        else:
            del self.fields["area"]


def _limits():
    return {"mb": f"{settings.PORTAL_IMPORT_MAX_UPLOAD_MB:g}", "rows": f"{settings.PORTAL_IMPORT_MAX_ROWS:,}"}


def _messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return [m for msgs in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
                for m in msgs]
    return [str(getattr(exc, "reason", exc))]


@login_required
def index(request):
    importers = services.importers_for(request.user)
    if not importers:
        raise Http404  # no import exists for this user
    jobs = services.jobs_visible_to(request.user)[:20]
    labels = {imp.key: imp.label for imp in importers}
    return render(request, "core/imports/index.html",
                  {"importers": importers, "jobs": jobs, "labels": labels, "limits": _limits()})


@login_required
def upload(request, key: str):
    importer = services.importer_for(request.user, key)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, importer=importer)
    refusal, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.stage(actor=request.user, importer=importer, upload=form.cleaned_data["file"],
                                     area=form.cleaned_data.get("area"))
            except ValidationError as exc:
                refusal, status = _messages(exc), 400
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(job.get_absolute_url())
        else:
            refusal, status = [e for errors in form.errors.values() for e in errors], 400
    return render(request, "core/imports/upload.html",
                  {"importer": importer, "form": form, "refusal": refusal, "limits": _limits(),
                   "columns": importer.columns}, status=status)


@login_required
def job_detail(request, pk: int):
    job = services.job_for(request.user, pk)
    importer = base.get(job.key)
    context = {"job": job, "importer": importer, "label": importer.label if importer else job.key,
               "can_confirm": job.status == StagedImportStatus.STAGED and job.created_by_id == request.user.pk
               and services.would_write(job) > 0 and bool(job.file),
               "shown_errors": (job.preview.get("errors", []) if job.status == StagedImportStatus.STAGED
                                else job.errors)[:500],
               "result_url": importer(actor=request.user, job=job).result_url()
               if importer and job.status == StagedImportStatus.DONE else ""}
    if request.headers.get("HX-Request"):
        response = render(request, "core/imports/progress.html", context)
        if not job.in_progress:
            response["HX-Refresh"] = "true"  # finished: the whole result page, with its errors
        return response
    return render(request, "core/imports/job.html", context)


@require_POST
@login_required
def job_confirm(request, pk: int):
    job = services.job_for(request.user, pk)  # 404 first
    try:
        services.commit(actor=request.user, job=job)
    except (TransitionRefused, NoPermission, ValidationError) as exc:
        importer = base.get(job.key)
        job.refresh_from_db()
        return render(request, "core/imports/job.html", {
            "job": job, "importer": importer, "label": importer.label if importer else job.key,
            "refusal": _messages(exc), "shown_errors": job.preview.get("errors", [])[:500], "can_confirm": False,
        }, status=403 if isinstance(exc, NoPermission) else 409)
    return redirect("import-job", pk=job.pk)


@login_required
def job_errors(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    job = services.job_for(request.user, pk)
    header, rows = services.error_table(job)
    return export_response(header, rows, fmt, f"{job.key}-{job.pk}-errors", title=_("Errors"))


@login_required
def template(request, key: str, fmt: str):
    importer = base.get(key)
    if importer is None or fmt not in ("xlsx", "csv"):
        raise Http404
    from core.scope import scope_for

    if importer.permission and not scope_for(request.user).has_perm_somewhere(importer.permission):
        raise Http404  # an import the user cannot run does not exist for them
    content, content_type, name = importer.template(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
