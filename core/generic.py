"""Base classes for staff pages: every list is scoped, filterable, sortable, paginated, exportable.

A list page declares its model, filterset, template, sortable columns and export columns; the
base class restricts the queryset to the user's areas, so neither the page, its filter choices
nor its export can show a row outside them.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View
from django_filters.views import FilterView

from . import services
from .exceptions import NoPermission
from .querysets import perm_name
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


def is_export_protected(model) -> bool:
    """Whether a list's export is protected and expiring (core.exports) rather than streamed: a model that
    declares ``read_audited = True`` (a child's records), unless it says ``protected_export = False``; a
    model may also ask for it alone with ``protected_export = True``."""
    return bool(model is not None and getattr(model, "protected_export", getattr(model, "read_audited", False)))


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
            perm = perm_name(self.model, self.scope_action)
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
            if is_export_protected(self.model):  # protected: a reason first, then a kept, expiring file (core.exports)
                from .exports import export_request_form

                return export_request_form(self, fmt)
            filterset = self.get_filterset(self.get_filterset_class())
            qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
            return self.export(qs, fmt, filterset.data)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """The protected export's form (read-audited models only): reason and format posted, filters in the URL."""
        if not (self.export_columns and is_export_protected(self.model)):
            return HttpResponse(status=405)
        from .exports import create_export_from_form

        return create_export_from_form(self)

    def too_many(self, count):
        if count > EXPORT_LIMIT:
            return HttpResponse(
                _("%(n)s rows match; narrow the filters to at most %(max)s for an export.")
                % {"n": count, "max": EXPORT_LIMIT},
                status=400,
            )
        return None

    def export_rows(self, qs):
        return ([_resolve(obj, a) for _h, a in self.export_columns] for obj in qs.iterator(chunk_size=2000))

    def export(self, qs, fmt, filters):
        count = qs.count()
        if refusal := self.too_many(count):
            return refusal
        services.record_export(
            actor=self.request.user, what=self.export_name, count=count, fmt=fmt,
            filters={k: v for k, v in filters.items() if k not in ("export", "page")},
        )
        if is_read_audited(self.model):  # read-audited records: which ones left in the file
            audit_read(self.request, qs, f"{purpose_of(self)} export {fmt}")
        header = [str(h) for h, _a in self.export_columns]
        rows = self.export_rows(qs)
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


# --- the kit: create, update and action pages (form → service, refusals beside the form) ---------------
def scope_form_choices(form, user, model, action: str = "add"):
    """Narrow every related-object choice of ``form`` to the user's areas: an area choice to the areas
    where the user may ``action`` a ``model``, any other scoped choice to the rows the user may see."""
    from django.db.models import Q

    from .models import Area
    from .recorded import perm_name

    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        if queryset.model is Area:
            prefixes = scope_for(user).prefixes_for(perm_name(model, action))
            if prefixes is None:
                continue
            within = Q(pk__in=[])
            for prefix in prefixes:
                within |= Q(code__startswith=prefix)
            field.queryset = queryset.filter(within)
        elif hasattr(queryset, "restrict"):
            field.queryset = queryset.restrict(user, "view")
    return form


def label_of(form, model, name: str) -> str:
    """What the user reads for a field: the form's label, else the model field's verbose name."""
    if name in form.fields:
        return str(form.fields[name].label or name)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # FieldDoesNotExist: a service's own key
            pass
    return name


def refusal_lines(form, model, exc, renamed=None) -> list[str]:
    """A service's ValidationError as lines in the user's words (“label: message”); each message for a
    field of the form is also put under that field. ``renamed`` maps a service keyword back to the form
    field it came from."""
    from django.core.exceptions import NON_FIELD_ERRORS

    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    lines = []
    for name, messages_ in exc.message_dict.items():
        if name == NON_FIELD_ERRORS:
            lines.extend(messages_)
            continue
        name = (renamed or {}).get(name, name)
        if name in form.fields:
            form.errors.setdefault(name, form.error_class()).extend(messages_)
        lines.extend(f"{label_of(form, model, name)}: {m}" for m in messages_)
    return lines


class KitFormMixin:
    """What the three kit pages share: a form, the service called with its data, and refusals shown
    beside the form with the user's input kept (400 invalid, 403 not allowed, 409 refused), as the
    whole page or, for HTMX, the form partial alone."""

    form_class = None
    fields = None  # with no form_class: a ModelForm of these fields
    prefix = None
    template_name = "includes/kit_page.html"
    partial_template_name = "includes/kit_form.html"
    title = ""
    submit_label = None
    success_message = None
    success_url = None

    def get_form_class(self):
        if self.form_class is not None:
            return self.form_class
        from django.forms import modelform_factory

        return modelform_factory(self.model, fields=self.fields)

    def get_form_kwargs(self):
        kwargs = {"prefix": self.prefix, "initial": self.get_initial()}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return kwargs

    def get_initial(self):
        return {}

    def get_form(self):
        form = self.get_form_class()(**self.get_form_kwargs())
        return scope_form_choices(form, self.request.user, self.model, self.scope_action)

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        from django.utils.translation import gettext_lazy

        ctx = {"view": self, "title": self.get_title(), "action_url": self.request.get_full_path(),
               "form_id": f"kit-form-{self.prefix or 'main'}",
               "submit_label": self.submit_label or gettext_lazy("Save"), "refusal": [], **kwargs}
        if getattr(self, "object", None) is not None:
            ctx.setdefault("object", self.object)
        return ctx

    def render_form(self, form, refusal=(), status=200):
        from django.template.response import TemplateResponse

        template = self.partial_template_name if getattr(self.request, "htmx", False) else self.template_name
        return TemplateResponse(self.request, template, self.get_context_data(form=form, refusal=list(refusal)),
                                status=status)

    def submit(self, form, call):
        """Validate ``form``, run ``call()`` (the service) in one transaction, answer."""
        from django.core.exceptions import ValidationError
        from django.db import transaction

        from .exceptions import TransitionRefused

        if not form.is_valid():
            lines = [f"{label_of(form, self.model, name)}: {' '.join(errors)}" if name != "__all__"
                     else " ".join(errors) for name, errors in form.errors.items()]
            return self.render_form(form, lines, status=400)
        try:
            with transaction.atomic():
                result = call()
        except TransitionRefused as exc:
            return self.render_form(form, [str(exc.reason)], status=409)
        except ValidationError as exc:
            renamed = {keyword: field for field, keyword in getattr(self, "arguments", {}).items()}
            return self.render_form(form, refusal_lines(form, self.model, exc, renamed), status=400)
        except NoPermission as exc:
            return self.render_form(form, [str(exc) or _("You do not have permission to do this.")], status=403)
        return self.succeeded(result)

    def get_success_url(self, result):
        if self.success_url:
            return str(self.success_url)
        for candidate in (result, getattr(self, "object", None)):
            if hasattr(candidate, "get_absolute_url"):
                return candidate.get_absolute_url()
        return self.request.get_full_path()

    def succeeded(self, result):
        from django.contrib import messages
        from django.shortcuts import redirect

        if self.success_message:
            messages.success(self.request, str(self.success_message))
        url = self.get_success_url(result)
        if getattr(self.request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


class ScopedCreateView(KitFormMixin, ScopedMixin, View):
    """A create page: the form's related choices within the user's areas (an area choice: where the
    user may add this model), ``perform`` calls the service (``create_recorded`` by default)."""

    scope_action = "add"
    audit_action = None  # default "app.model.create"

    def get(self, request, *args, **kwargs):
        self.object = None
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self.object = None
        form = self.get_form()
        return self.submit(form, lambda: self.perform(form))

    def perform(self, form):
        from .recorded import create_recorded

        meta = self.model._meta
        return create_recorded(self.model, form.cleaned_data, actor=self.request.user,
                               action=self.audit_action or f"{meta.app_label}.{meta.model_name}.create")


class _OneObject:
    pk_url_kwarg = "pk"
    lookup_field = "pk"

    def get_object(self):
        obj = self.get_queryset().filter(**{self.lookup_field: self.kwargs[self.pk_url_kwarg]}).first()
        if obj is None:
            raise Http404(_("No such record."))
        return obj


class ScopedUpdateView(KitFormMixin, _OneObject, ScopedMixin, View):
    """An edit page: the record within the user's "change" scope or 404; ``perform`` calls the service
    (``update_recorded`` of the form's fields by default)."""

    scope_action = "change"
    audit_action = None  # default "app.model.update"

    def get_form_kwargs(self):
        import copy

        # The form validates on a copy: the page keeps showing the record as it is until it is saved.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        return self.submit(form, lambda: self.perform(self.object, form))

    def perform(self, obj, form):
        from .recorded import update_recorded

        meta = self.model._meta
        return update_recorded(obj, form.cleaned_data, allowed=tuple(form.fields), actor=self.request.user,
                               action=self.audit_action or f"{meta.app_label}.{meta.model_name}.update")


class ScopedActionView(KitFormMixin, _OneObject, ScopedMixin, View):
    """A step on one record (POST): the record within the user's ``scope_action`` scope or 404 before
    anything else, the form validated, ``service(actor=user, <object_arg>=record, **data)`` called
    (``arguments`` renames form fields to the service's keywords; or override ``perform``), then a
    redirect (HTMX: ``HX-Redirect``). A refusal re-renders the form with the reason beside it."""

    scope_action = "change"
    service = None
    object_arg = None  # default: the model's name
    arguments: dict = {}
    http_method_names = ["get", "post"]

    def get_form_class(self):
        from django import forms

        return self.form_class or forms.Form

    def get_title(self):
        return self.title or str(self.object)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()  # 404 first
        form = self.get_form()
        return self.submit(form, lambda: self.perform(self.object, form))

    def perform(self, obj, form):
        if self.service is None:
            raise NotImplementedError("set service or override perform")
        kwargs = {self.arguments.get(name, name): value for name, value in form.cleaned_data.items()}
        kwargs[self.object_arg or obj._meta.model_name] = obj
        return type(self).service(actor=self.request.user, **kwargs)
