"""Base classes for staff pages: every list is scoped, filterable, sortable, paginated, exportable.

A list page declares its model, filterset, template, sortable columns and export columns; the
base class restricts the queryset to the user's areas, so neither the page, its filter choices
nor its export can show a row outside them.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from . import services
from .exceptions import NoPermission
from .readaudit import audit_read, is_read_audited, purpose_of
from .scope import scope_for
from .tabular import csv_stream, xlsx_bytes

EXPORT_LIMIT = 200_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(header, rows, fmt: str, filename: str, title: str = "export"):
    """The one way a page hands out a CSV or XLSX: cells neutralised by ``core.tabular.export_cell``
    (no formulas, no control characters, numbers kept numeric), headers translated now (lazy
    strings follow the request's language), always a download."""
    header = [str(h) for h in header]
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(header, rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _resolve(obj, accessor):
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return ""
    return value


class ScopedMixin(LoginRequiredMixin):
    model = None
    scope_action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            perm = f"{self.model._meta.app_label}.{self.scope_action}_{self.model._meta.model_name}"
            if not scope_for(request.user).has_perm_somewhere(perm):
                raise NoPermission(_("You do not have permission to see this page."))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, self.scope_action)


class ScopedListView(ScopedMixin, FilterView):
    """List page: ``?sort=field`` / ``?sort=-field`` among ``sort_fields``; ``?export=csv|xlsx``."""

    paginate_by = 50
    sort_fields: list[str] = []
    default_sort = None
    # (header, "attr.path" or callable); headers are lazy (gettext_lazy) so they follow the request's language
    export_columns: list[tuple[str, object]] = []
    export_name = "export"
    strict = False  # an invalid filter shows the unfiltered list with the form's errors

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get_ordering(self):
        sort = self.request.GET.get("sort", "")
        if sort.lstrip("-") in self.sort_fields:
            return [sort]
        return [self.default_sort] if self.default_sort else None

    def get_queryset(self):
        qs = super().get_queryset()
        ordering = self.get_ordering()
        return qs.order_by(*ordering) if ordering else qs

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx") and self.export_columns:
            filterset = self.get_filterset(self.get_filterset_class())
            qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
            return self.export(qs, fmt, filterset.data)
        return super().get(request, *args, **kwargs)

    def export(self, qs, fmt, filters):
        count = qs.count()
        if count > EXPORT_LIMIT:
            return HttpResponse(
                _("%(n)s rows match; narrow the filters to at most %(max)s for an export.")
                % {"n": count, "max": EXPORT_LIMIT},
                status=400,
            )
        services.record_export(
            actor=self.request.user, what=self.export_name, count=count, fmt=fmt,
            filters={k: v for k, v in filters.items() if k not in ("export", "page")},
        )
        if is_read_audited(self.model):  # read-audited records: which ones left in the file
            audit_read(self.request, qs, f"{purpose_of(self)} export {fmt}")
        header = [str(h) for h, _a in self.export_columns]
        rows = ([_resolve(obj, a) for _h, a in self.export_columns] for obj in qs.iterator(chunk_size=2000))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return export_response(header, rows, fmt, f"{self.export_name}-{stamp}", title=self.export_name)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx["querystring"] = params.urlencode()
        params.pop("sort", None)
        ctx["filter_querystring"] = params.urlencode()
        ctx["current_sort"] = self.request.GET.get("sort", self.default_sort or "")
        ctx["can_export"] = bool(self.export_columns)
        if is_read_audited(self.model):  # the rows of this page, as shown (one query: the page's own)
            page = ctx.get("page_obj")
            audit_read(self.request, list(page.object_list if page is not None else ctx["object_list"]),
                       purpose_of(self), model=self.model)
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    """Detail page: outside the user's areas the record does not exist (404)."""

    slug_field = "pk"

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        obj = queryset.filter(**{self.slug_field: self.kwargs[self.slug_url_kwarg]}).first()
        if obj is None:
            raise Http404(_("No such record."))
        audit_read(self.request, obj, purpose_of(self))
        return obj
