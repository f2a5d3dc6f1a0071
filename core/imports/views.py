"""Generic import pages: the template of any registered importer, as XLSX or CSV."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from core.scope import scope_for

from . import base


@login_required
def template(request, key: str, fmt: str):
    importer = base.get(key)
    if importer is None or fmt not in ("xlsx", "csv"):
        raise Http404
    if importer.permission and not scope_for(request.user).has_perm_somewhere(importer.permission):
        raise Http404  # an import the user cannot run does not exist for them
    content, content_type, name = importer.template(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
